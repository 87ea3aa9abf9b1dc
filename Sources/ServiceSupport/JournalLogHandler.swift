#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging

/// swift-log's handler for Hamlet's processes: one line per message on standard error as
/// `label: message`, as a terminal reader expects. When standard error is the
/// journal (`JOURNAL_STREAM` names its device and inode, as systemd sets it) every line starts
/// with the syslog priority instead (`<3>` error, `<4>` warning, `<6>` info…), so `journalctl -p`
/// can filter. Lines are written with one `write(2)` each, so threads do not interleave them.
public struct JournalLogHandler: LogHandler {
    public let label: String
    public let journal: Bool
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public init(label: String, journal: Bool) {
        self.label = label
        self.journal = journal
    }

    /// A handler for `label` that writes priorities when `environment`'s `JOURNAL_STREAM` is
    /// this process's standard error.
    public init(label: String, environment: [String: String]) {
        self.init(label: label, journal: Self.standardErrorIsJournal(environment: environment))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var text = "\(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        if !merged.isEmpty { text += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
        var output = Self.format(text, label: label, level: event.level, journal: journal)
        output.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    /// The text written for one message: each of its lines prefixed (journald reads every line
    /// as an entry of its own), ending in a newline.
    public static func format(_ message: String, label: String, level: Logger.Level, journal: Bool) -> String {
        let head = journal ? "<\(priority(level))>\(label): " : "\(label): "
        var result = ""
        for (index, line) in message.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            result += (index == 0 || journal ? head : "") + line + "\n"
        }
        return result
    }

    /// syslog's priority for a level (sd-daemon(3)): 7 debug … 2 critical.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Whether `JOURNAL_STREAM` ("device:inode") names the file behind descriptor 2.
    public static func standardErrorIsJournal(environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(2, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }
}
