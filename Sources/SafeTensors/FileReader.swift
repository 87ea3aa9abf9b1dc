#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files with POSIX calls so failures report the path and the system's reason.
enum FileReader {
    /// All bytes of the file at `path`.
    static func readAll(path: String) throws(SafeTensorsError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, "open") }
        defer { close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(path, "fstat") }
        let expectedSize = max(0, Int(info.st_size))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(expectedSize)
        // The size is only a hint: the file may change while it is read, so read until EOF.
        var chunk = [UInt8](repeating: 0, count: min(1 << 20, max(4096, expectedSize + 1)))
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return bytes
            } else if errno != EINTR {
                throw failure(path, "read")
            }
        }
    }

    private static func failure(_ path: String, _ step: String) -> SafeTensorsError {
        .readFailed(path: path, step: step, reason: errnoDescription(errno))
    }
}
