import FoundationEssentials
import HamiltonianLearning
import SafeTensors

/// The safetensors layout of a learner: everything needed to continue a run bit-identically.
///
/// Tensors (all F32 but `step`): `weights/<name>` θ and `weight_costates/<name>` ω for every
/// parameter in the model's layout; `state/<name>` for the recurrent state, its costate z or
/// its traces; `pending_input` when a forecast was made but not yet scored; `step` (I64, shape []).
/// `__metadata__` holds `hamlet.format`, `hamlet.model`, `hamlet.hamiltonian` (JSON) and `hamlet.loss`.
public enum LearnerCheckpoint {
    public static let formatVersion = "1"

    /// What a checkpoint says about the learner it holds, read before building that learner.
    public struct Description: Equatable, Sendable {
        public var model: ModelConfiguration
        public var hamiltonian: HamiltonianConfiguration
        public var loss: LossFunction
    }

    public static func file<M: LearnableModel>(
        of learner: HamiltonianLearner<M>, model: ModelConfiguration, pendingInput: [Float]?,
        metadata extra: [String: String] = [:]
    ) -> SafeTensorsFile where M.Scalar == Float {
        var tensors: [String: SafeTensor] = [:]
        let theta = learner.parameters.array, omega = learner.parameterCostate.array
        for tensor in learner.model.layout.tensors {
            tensors["weights/\(tensor.name)"] = SafeTensor(Array(theta[tensor.range]), shape: tensor.shape)
            tensors["weight_costates/\(tensor.name)"] = SafeTensor(Array(omega[tensor.range]), shape: tensor.shape)
        }
        for state in learner.model.stateBuffers {
            tensors["state/\(state.name)"] = SafeTensor(state.buffer.array, shape: state.shape)
        }
        if let pendingInput { tensors["pending_input"] = SafeTensor(pendingInput, shape: [pendingInput.count]) }
        tensors["step"] = SafeTensor([learner.stepCount], shape: [])
        var metadata = extra
        metadata["hamlet.format"] = formatVersion
        metadata["hamlet.model"] = json(model)
        metadata["hamlet.hamiltonian"] = json(learner.configuration)
        metadata["hamlet.loss"] = learner.loss.rawValue
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    public static func read(path: String) throws(CheckpointError) -> SafeTensorsFile {
        do {
            return try SafeTensorsFile.read(path: path)
        } catch {
            throw .file(path: path, error)
        }
    }

    public static func describe(_ file: SafeTensorsFile) throws(CheckpointError) -> Description {
        guard let format = file.metadata["hamlet.format"] else { throw .missingMetadata(key: "hamlet.format") }
        guard format == formatVersion else { throw .unsupportedFormat(found: format) }
        let model: ModelConfiguration = try decode("hamlet.model", from: file)
        guard model.problems.isEmpty else {
            throw .badMetadata(key: "hamlet.model", reason: model.problems.joined(separator: "; "))
        }
        let hamiltonian: HamiltonianConfiguration = try decode("hamlet.hamiltonian", from: file)
        guard hamiltonian.problems.isEmpty else {
            throw .badMetadata(key: "hamlet.hamiltonian", reason: hamiltonian.problems.joined(separator: "; "))
        }
        guard let lossName = file.metadata["hamlet.loss"] else { throw .missingMetadata(key: "hamlet.loss") }
        guard let loss = LossFunction(rawValue: lossName) else {
            throw .badMetadata(key: "hamlet.loss", reason: "unknown loss \"\(lossName)\"")
        }
        return Description(model: model, hamiltonian: hamiltonian, loss: loss)
    }

    /// Loads weights, costates, state and step into a learner built from `describe`; returns the pending input.
    public static func restore<M: LearnableModel>(
        _ file: SafeTensorsFile, into learner: HamiltonianLearner<M>
    ) throws(CheckpointError) -> [Float]? where M.Scalar == Float {
        // The session's scoring and detector states are restored by the session
        // (`LearnSession.restoreScoring`, `restoreDetectors`).
        var expected = Set<String>(["step", LearnSession.scoringTensor, LearnSession.driftTensor])
        var theta = [Float](repeating: 0, count: learner.parameters.count)
        var omega = theta
        for tensor in learner.model.layout.tensors {
            let weights = "weights/\(tensor.name)", costates = "weight_costates/\(tensor.name)"
            theta.replaceSubrange(tensor.range, with: try floats(weights, shape: tensor.shape, in: file))
            omega.replaceSubrange(tensor.range, with: try floats(costates, shape: tensor.shape, in: file))
            expected.formUnion([weights, costates])
        }
        var states: [(ScalarBuffer<Float>, [Float])] = []
        for state in learner.model.stateBuffers {
            let name = "state/\(state.name)"
            states.append((state.buffer, try floats(name, shape: state.shape, in: file)))
            expected.insert(name)
        }
        var pending: [Float]?
        if file.tensors["pending_input"] != nil {
            pending = try floats("pending_input", shape: [learner.inputCount], in: file)
            expected.insert("pending_input")
        }
        guard let stepTensor = file.tensors["step"] else { throw .missingTensor(name: "step") }
        guard stepTensor.dtype == .i64 else { throw .wrongDType(name: "step", expected: "I64", found: stepTensor.dtype.rawValue) }
        guard stepTensor.shape.isEmpty else { throw .wrongShape(name: "step", expected: [], found: stepTensor.shape) }
        guard let step = try? stepTensor.int64s().first, step >= 0 else {
            throw .badMetadata(key: "step", reason: "the step count must be a non-negative integer")
        }
        if let extra = file.tensors.keys.filter({ !expected.contains($0) }).sorted().first {
            throw .unexpectedTensor(name: extra)
        }
        learner.setParameters(theta)
        learner.parameterCostate.assign(omega)
        for (buffer, values) in states { buffer.assign(values) }
        learner.resume(atStep: step)
        return pending
    }

    private static func floats(_ name: String, shape: [Int], in file: SafeTensorsFile) throws(CheckpointError) -> [Float] {
        guard let tensor = file.tensors[name] else { throw .missingTensor(name: name) }
        guard tensor.dtype == .f32 else { throw .wrongDType(name: name, expected: "F32", found: tensor.dtype.rawValue) }
        guard tensor.shape == shape else { throw .wrongShape(name: name, expected: shape, found: tensor.shape) }
        do {
            return try tensor.floats()
        } catch {
            throw .wrongDType(name: name, expected: "F32", found: tensor.dtype.rawValue)
        }
    }

    private static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding these plain value types cannot fail.
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ key: String, from file: SafeTensorsFile) throws(CheckpointError) -> T {
        guard let text = file.metadata[key] else { throw .missingMetadata(key: key) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw .badMetadata(key: key, reason: "\(error)")
        }
    }
}
