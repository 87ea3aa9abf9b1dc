#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One physical line from `LineReader`.
enum LineEvent {
    /// A complete line without its "\n" or "\r\n"; `bytes` point into the reader's buffer and stay valid
    /// only until the next call to `LineReader.next()`.
    case line(number: Int, bytes: UnsafeBufferPointer<UInt8>)
    /// A line longer than the cap; its bytes were dropped up to and including its newline.
    case tooLong(number: Int)
}

/// Splits a file descriptor into lines with read(2), holding at most one line plus one read in memory.
final class LineReader {
    let fd: Int32
    let sourceName: String
    let maxLineBytes: Int

    // Large enough that big files take few syscalls; a pipe read returns whatever is there anyway.
    private static let readSize = 64 * 1024

    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    // The pending line never exceeds maxLineBytes + 1 (a CR may follow), so this leaves room for a read.
    private let capacityLimit: Int
    private var start = 0  // first byte of the line not yet returned
    private var end = 0  // one past the last byte read
    private var scanned = 0  // start..<scanned is known to contain no newline, so memchr never rescans it
    private var atEOF = false
    private var lineCount = 0
    /// An over-long line was reported and the rest of it, up to its newline, is still to be skipped.
    private var discarding = false

    init(fd: Int32, sourceName: String, maxLineBytes: Int) {
        precondition(maxLineBytes > 0, "maxLineBytes must be positive")
        self.fd = fd
        self.sourceName = sourceName
        self.maxLineBytes = maxLineBytes
        capacityLimit = maxLineBytes + Self.readSize
        capacity = min(Self.readSize, capacityLimit)
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// The next line, or nil at end of input; reads only when no complete line is buffered, so it never
    /// waits for input beyond the line it returns.
    func next() throws(SourceError) -> LineEvent? {
        if discarding, try !skipRestOfLine() { return nil }
        while true {
            if let newline = findNewline() {
                let lineStart = start
                start = newline + 1
                scanned = start
                return makeLine(from: lineStart, to: newline)
            }
            scanned = end
            if end - start > maxLineBytes + 1 {
                // Reported now, not at its newline: input without one (/dev/zero) would never end.
                lineCount += 1
                start = end
                scanned = end
                discarding = true
                return .tooLong(number: lineCount)
            }
            if atEOF {
                guard start < end else { return nil }
                let lineStart = start
                start = end
                scanned = end
                return makeLine(from: lineStart, to: end)
            }
            try fill()
        }
    }

    private func findNewline() -> Int? {
        guard scanned < end, let hit = memchr(buffer + scanned, 0x0A, end - scanned) else { return nil }
        return buffer.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    private func makeLine(from lineStart: Int, to lineEnd: Int) -> LineEvent {
        lineCount += 1
        var first = lineStart
        var last = lineEnd
        if last > first && buffer[last - 1] == 0x0D { last -= 1 }
        if last - first > maxLineBytes { return .tooLong(number: lineCount) }
        // Spreadsheet exports often start with a UTF-8 byte order mark, which would otherwise end up in the
        // first column name.
        if lineCount == 1 && last - first >= 3 && buffer[first] == 0xEF && buffer[first + 1] == 0xBB
            && buffer[first + 2] == 0xBF
        {
            first += 3
        }
        return .line(number: lineCount, bytes: UnsafeBufferPointer(start: buffer + first, count: last - first))
    }

    /// Skips what is left of a reported over-long line through its newline; false at end of input.
    private func skipRestOfLine() throws(SourceError) -> Bool {
        while true {
            if let newline = findNewline() {
                start = newline + 1
                scanned = start
                discarding = false
                return true
            }
            start = end
            scanned = end
            if atEOF { return false }
            try fill()
        }
    }

    /// Appends at least one byte from the descriptor, or sets `atEOF`.
    private func fill() throws(SourceError) {
        if start > 0 {
            let pending = end - start
            if pending > 0 { memmove(buffer, buffer + start, pending) }
            end = pending
            scanned -= start
            start = 0
        }
        if capacity - end < Self.readSize / 4 && capacity < capacityLimit {
            let grown = min(max(capacity * 2, end + Self.readSize), capacityLimit)
            let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            newBuffer.initialize(from: buffer, count: end)
            buffer.deallocate()
            buffer = newBuffer
            capacity = grown
        }
        while true {
            let count = read(fd, buffer + end, capacity - end)
            if count > 0 {
                end += count
                return
            }
            if count == 0 {
                atEOF = true
                return
            }
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                // A descriptor inherited in non-blocking mode; wait for data instead of spinning.
                var waiter = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&waiter, 1, -1)
            default:
                throw SourceError(
                    position: nil, "cannot read \(sourceName): \(String(cString: strerror(code)))", recoverable: false)
            }
        }
    }
}
