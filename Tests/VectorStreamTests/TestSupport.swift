import Foundation
import VectorStream

/// What a reader produced for one call to `next()`, for compact expectations.
enum Outcome: Equatable, CustomStringConvertible {
    case record(Int, [Double])
    case error(Int?, String)

    var description: String {
        switch self {
        case .record(let line, let values): "record(line \(line), \(values))"
        case .error(let line, let message): "error(line \(line.map(String.init) ?? "nil"), \(message))"
        }
    }
}

/// Writes `bytes` to a fresh temporary file named with `suffix`, runs `body` on its path, then deletes it.
func withTemporaryFile<R>(_ bytes: [UInt8], suffix: String, _ body: (String) throws -> R) throws -> R {
    let path = NSTemporaryDirectory() + "vectorstream-\(UUID().uuidString)\(suffix)"
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
        throw CocoaError(.fileWriteUnknown)
    }
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

func withTemporaryFile<R>(_ text: String, suffix: String, _ body: (String) throws -> R) throws -> R {
    try withTemporaryFile(Array(text.utf8), suffix: suffix, body)
}

/// Calls `next()` until the end, continuing after recoverable errors and stopping after the first fatal one.
func drain(_ reader: VectorStreamReader) -> [Outcome] {
    var outcomes: [Outcome] = []
    while true {
        do {
            guard let record = try reader.next() else { return outcomes }
            outcomes.append(.record(record.position, record.values))
        } catch {
            outcomes.append(.error(error.position, error.message))
            if !error.isRecoverable { return outcomes }
        }
    }
}

/// Reads `bytes` from a temporary file through a reader with the given options.
func outcomes(
    of bytes: [UInt8], suffix: String = ".txt", format: VectorFormat? = nil, maxLineBytes: Int = 1 << 20
) throws -> (columns: [String], outcomes: [Outcome]) {
    try withTemporaryFile(bytes, suffix: suffix) { path in
        let reader = try VectorStreamReader(path: path, format: format, maxLineBytes: maxLineBytes)
        let result = drain(reader)
        return (reader.columns, result)
    }
}

func outcomes(
    of text: String, suffix: String = ".txt", format: VectorFormat? = nil, maxLineBytes: Int = 1 << 20
) throws -> (columns: [String], outcomes: [Outcome]) {
    try outcomes(of: Array(text.utf8), suffix: suffix, format: format, maxLineBytes: maxLineBytes)
}

/// A flag shared between a test and the helper thread it starts.
final class SharedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Writes all of `bytes` to `fd`, riding out short writes and EINTR.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return
        }
        offset += written
    }
}
