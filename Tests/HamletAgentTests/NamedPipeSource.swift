import Foundation
import HamletAgent
import VectorStream
import LearningPipeline

/// A source of the tests' own, to show that a new source is one type: records as lines of
/// comma-separated numbers read from a named pipe, until its writer closes it. A line that is not
/// numbers is rejected to the sinks with its reason, as a malformed sensor payload is.
final class NamedPipeSource: ServiceSource {
    let columns: [String]
    var positionName: String { "line" }
    var sourceDescription: String { "the named pipe \(path)" }
    private(set) var rejectedMessages = 0
    private let path: String
    private let rejections: any OutputSink
    private let context: RunContext
    /// How long to wait for a writer to open the pipe before giving up.
    private let openWait: Duration
    private var descriptor: Int32 = -1
    private var pending: [UInt8] = []
    private var lineNumber = 0
    private var writerSeen = false

    init(path: String, columns: [String], rejections: any OutputSink, context: RunContext, openWait: Duration = .seconds(30)) {
        (self.path, self.columns, self.rejections, self.context) = (path, columns, rejections, context)
        self.openWait = openWait
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    func next(into sample: inout Sample) throws(SourceError) -> Bool {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let text = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                lineNumber += 1
                if let record = record(text) {
                    sample = record
                    return true
                }
                continue
            }
            guard try fill() else { return false }
        }
    }

    private func record(_ text: String) -> Sample? {
        let values = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == columns.count, values.allSatisfy(\.isFinite) else {
            rejectedMessages += 1
            rejections.rejected(InputRejection(topic: path, reason: "line \(lineNumber): expected \(columns.count) numbers, got \"\(text)\""))
            return nil
        }
        return Sample(position: lineNumber, values: values, time: nil)
    }

    /// Reads what the writer sent, running the context's idle work every 100 ms while it waits; false at the end.
    private func fill() throws(SourceError) -> Bool {
        if descriptor < 0 {
            // Non-blocking, so the wait for a writer is bounded and the service's periodic work goes on.
            descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard descriptor >= 0 else { throw SourceError(position: nil, "cannot open \(path): errno \(errno)", recoverable: false) }
        }
        let deadline = ContinuousClock.now + openWait
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                writerSeen = true
                pending += chunk[..<count]
                return true
            }
            // End of input once the writer that came has closed; before one comes, keep waiting.
            if count == 0, writerSeen { return false }
            if count < 0, errno != EAGAIN, errno != EINTR {
                throw SourceError(position: nil, "cannot read \(path): errno \(errno)", recoverable: false)
            }
            if ContinuousClock.now > deadline { throw SourceError(position: nil, "no writer opened \(path)", recoverable: false) }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&poller, 1, 100)
            context.idle()
        }
    }
}
