import Foundation
import Logging
import Synchronization

/// A swift-log handler that keeps every message (level and text) for a test to read, from any thread.
public final class LogCapture: Sendable {
    private let entries = Mutex<[(level: Logger.Level, text: String)]>([])
    private let echo: Bool

    /// `echo`: also write each line to standard error (for debugging a test).
    public init(echo: Bool = false) { self.echo = echo }

    /// A logger at `trace` level whose messages land here.
    public var logger: Logger {
        Logger(label: "test") { [self] _ in
            var handler = Handler(capture: self)
            handler.logLevel = .trace
            return handler
        }
    }

    public var all: [(level: Logger.Level, text: String)] { entries.withLock { $0 } }

    fileprivate func append(_ level: Logger.Level, _ text: String) {
        if echo { FileHandle.standardError.write(Data("[\(level)] \(text)\n".utf8)) }
        entries.withLock { $0.append((level, text)) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) { capture.append(event.level, "\(event.message)") }
    }
}
