#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The process's resident set size, for the metrics snapshot.
public enum ResidentMemory {
    /// Resident bytes from `/proc/self/statm` (second field, in pages); nil when /proc is unavailable.
    /// Reads one small file per call: fine for a periodic reporter, not for the hot loop.
    public static func currentBytes() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // "size resident shared text lib data dt\n": seven numbers, well under 128 bytes.
        var buffer = [UInt8](repeating: 0, count: 128)
        var count: Int
        repeat {
            count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        } while count < 0 && errno == EINTR
        guard count > 0 else { return nil }
        let fields = buffer[..<count].split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") })
        guard fields.count >= 2, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pageSize > 0 else { return nil }
        return pages * pageSize
    }
}
