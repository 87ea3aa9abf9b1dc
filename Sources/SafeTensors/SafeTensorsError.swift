#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a safetensors file could not be read, decoded or written; `description` says what is wrong and where.
public enum SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    case fileTooShort(byteCount: Int)
    case headerTooLarge(headerLength: UInt64, limit: Int)
    case headerBeyondFile(headerLength: UInt64, fileSize: Int)
    case headerNotUTF8
    case headerNotJSON(reason: String)
    case headerNotObject
    case tensorEntryNotObject(tensor: String)
    case missingField(tensor: String, field: String)
    case wrongFieldType(tensor: String, field: String, expected: String)
    case unknownDType(tensor: String, dtype: String)
    case negativeDimension(tensor: String, shape: [Int])
    case shapeTooLarge(tensor: String, shape: [Int])
    case reversedOffsets(tensor: String, begin: Int, end: Int)
    case offsetsOutOfBuffer(tensor: String, begin: Int, end: Int, bufferSize: Int)
    case byteCountMismatch(tensor: String, begin: Int, end: Int, shape: [Int], dtype: SafeTensorsDType)
    case overlappingTensors(tensor: String, other: String)
    case gapBeforeTensor(tensor: String, gapBegin: Int, gapEnd: Int)
    case trailingBytes(count: Int, bufferSize: Int)
    case metadataNotObject
    case metadataValueNotString(key: String)
    case dtypeMismatch(requested: SafeTensorsDType, actual: SafeTensorsDType)
    case readFailed(path: String, step: String, reason: String)
    case writeFailed(path: String, step: String, reason: String)

    public var description: String {
        switch self {
        case .fileTooShort(let count):
            return "file is \(count) bytes, shorter than the 8-byte header length prefix"
        case .headerTooLarge(let length, let limit):
            return "header length \(length) exceeds the \(limit)-byte limit; the file is corrupt or not safetensors"
        case .headerBeyondFile(let length, let size):
            return "header length \(length) runs past the end of the \(size)-byte file; the file is truncated or corrupt"
        case .headerNotUTF8:
            return "header is not valid UTF-8"
        case .headerNotJSON(let reason):
            return "header is not valid JSON: \(reason)"
        case .headerNotObject:
            return "header JSON is not an object mapping tensor names to entries"
        case .tensorEntryNotObject(let tensor):
            return "tensor \(quoted(tensor)): entry is not a JSON object"
        case .missingField(let tensor, let field):
            return "tensor \(quoted(tensor)): missing \"\(field)\""
        case .wrongFieldType(let tensor, let field, let expected):
            return "tensor \(quoted(tensor)): \"\(field)\" must be \(expected)"
        case .unknownDType(let tensor, let dtype):
            let known = SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            return "tensor \(quoted(tensor)): unsupported dtype \(quoted(dtype)) (supported: \(known))"
        case .negativeDimension(let tensor, let shape):
            return "tensor \(quoted(tensor)): shape \(shape) has a negative dimension"
        case .shapeTooLarge(let tensor, let shape):
            return "tensor \(quoted(tensor)): shape \(shape) has more elements than can be addressed"
        case .reversedOffsets(let tensor, let begin, let end):
            return "tensor \(quoted(tensor)): data_offsets [\(begin), \(end)] end before they begin"
        case .offsetsOutOfBuffer(let tensor, let begin, let end, let size):
            return "tensor \(quoted(tensor)): data_offsets [\(begin), \(end)] exceed the \(size)-byte data buffer; the file is truncated or corrupt"
        case .byteCountMismatch(let tensor, let begin, let end, let shape, let dtype):
            let needed = SafeTensor.byteCount(dtype: dtype, shape: shape).map(String.init) ?? "more"
            return "tensor \(quoted(tensor)): data_offsets [\(begin), \(end)] hold \(end - begin) bytes but shape \(shape) of \(dtype.rawValue) needs \(needed)"
        case .overlappingTensors(let tensor, let other):
            return "tensor \(quoted(tensor)): data overlaps tensor \(quoted(other))"
        case .gapBeforeTensor(let tensor, let gapBegin, let gapEnd):
            return "tensor \(quoted(tensor)): bytes [\(gapBegin), \(gapEnd)) before it belong to no tensor"
        case .trailingBytes(let count, let size):
            return "last \(count) bytes of the \(size)-byte data buffer belong to no tensor"
        case .metadataNotObject:
            return "\"__metadata__\" must be an object of string values"
        case .metadataValueNotString(let key):
            return "\"__metadata__\" value for \(quoted(key)) is not a string"
        case .dtypeMismatch(let requested, let actual):
            return "tensor holds \(actual.rawValue) elements, not \(requested.rawValue)"
        case .readFailed(let path, let step, let reason):
            return "cannot read \(quoted(path)): \(step) failed: \(reason)"
        case .writeFailed(let path, let step, let reason):
            return "cannot write \(quoted(path)): \(step) failed: \(reason)"
        }
    }
}

private func quoted(_ text: String) -> String {
    "\"" + text + "\""
}

/// The system's text for an errno value, e.g. "No such file or directory".
func errnoDescription(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
}
