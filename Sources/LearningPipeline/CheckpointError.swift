import SafeTensors

/// Why a checkpoint could not be written or used, in words that say what to fix.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case file(path: String, SafeTensorsError)
    case missingMetadata(key: String)
    case unsupportedFormat(found: String)
    case badMetadata(key: String, reason: String)
    case missingTensor(name: String)
    case unexpectedTensor(name: String)
    case wrongDType(name: String, expected: String, found: String)
    case wrongShape(name: String, expected: [Int], found: [Int])
    case modelMismatch(checkpoint: String, requested: String)
    /// The learner's numbers are not all finite; such a state is never written.
    case nonFinite(String)

    public var description: String {
        switch self {
        case .file(let path, let error):
            return "checkpoint \(path): \(error)"
        case .missingMetadata(let key):
            return "the checkpoint has no \"\(key)\" entry in its __metadata__; it was not written by hamlet"
        case .unsupportedFormat(let found):
            return "the checkpoint has format version \(found); this hamlet reads version \(LearnerCheckpoint.formatVersion)"
        case .badMetadata(let key, let reason):
            return "the checkpoint's __metadata__ entry \"\(key)\" is unreadable: \(reason)"
        case .missingTensor(let name):
            return "the checkpoint lacks tensor \"\(name)\"; it was made for a different model or gradient mode"
        case .unexpectedTensor(let name):
            return "the checkpoint has a tensor \"\(name)\" that this model does not use; it was made for a different model"
        case .wrongDType(let name, let expected, let found):
            return "tensor \"\(name)\" is \(found) but must be \(expected)"
        case .wrongShape(let name, let expected, let found):
            return "tensor \"\(name)\" has shape \(found) but the model needs \(expected)"
        case .nonFinite(let what):
            return "the checkpoint was not written: \(what); a restart would restore a broken learner (the learner guard "
                + "restores its last good state, and the next checkpoint is written once it is finite)"
        case .modelMismatch(let checkpoint, let requested):
            return "the checkpoint holds a model \(checkpoint), but the options ask for \(requested); drop the model options or start without --init"
        }
    }
}
