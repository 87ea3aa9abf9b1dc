import Glibc

/// Buffered line output to a file descriptor; each line is flushed at once when the reader
/// is a pipe or a terminal (someone is watching), batched when it is a regular file.
public final class LineWriter {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let flushesEachLine: Bool
    private var buffer: [UInt8] = []
    public let path: String

    /// Standard output.
    public init() {
        descriptor = 1
        ownsDescriptor = false
        path = "standard output"
        var info = stat()
        flushesEachLine = fstat(1, &info) != 0 || (info.st_mode & S_IFMT) != S_IFREG
        buffer.reserveCapacity(1 << 16)
    }

    /// Creates or truncates `path`.
    public init(path: String) throws(LearnError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .output("cannot write \(path): \(String(cString: strerror(errno)))") }
        descriptor = fd
        ownsDescriptor = true
        flushesEachLine = false
        self.path = path
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(descriptor) }
    }

    public func writeLine(_ line: String) throws(LearnError) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if flushesEachLine || buffer.count >= 1 << 16 { try flush() }
    }

    public func flush() throws(LearnError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                buffer.removeAll(keepingCapacity: true)
                throw .output("cannot write \(path): \(reason)")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
