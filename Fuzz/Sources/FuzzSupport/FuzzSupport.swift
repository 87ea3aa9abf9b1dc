#if canImport(Glibc)
import Glibc
#endif

/// A broken property: the message goes to stderr and the trap makes libFuzzer save the input.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz property violated: \(message())") }
}

/// The input as a fuzz target receives it.
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let data, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: count))
}

/// One unlinked file in /dev/shm per process, rewritten for every input: the components under test
/// read a descriptor or a path (`/proc/self/fd/N`), and tmpfs keeps the disk out of the loop.
/// (Glibc's module does not export memfd_create.)
public enum MemoryFile {
    nonisolated(unsafe) private static var descriptor: Int32 = -1

    /// The file's descriptor, holding exactly `bytes`, positioned at its start.
    public static func holding(_ bytes: [UInt8]) -> Int32 {
        if descriptor < 0 {
            var template = Array("/dev/shm/hamlet-fuzz-XXXXXX".utf8CString)
            descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            fuzzCheck(descriptor >= 0, "mkstemp in /dev/shm failed: errno \(errno)")
            unlink(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        fuzzCheck(ftruncate(descriptor, 0) == 0, "ftruncate failed: errno \(errno)")
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, $0.count - written, off_t(written)) }
            fuzzCheck(n > 0, "pwrite failed: errno \(errno)")
            written += n
        }
        fuzzCheck(lseek(descriptor, 0, SEEK_SET) == 0, "lseek failed: errno \(errno)")
        return descriptor
    }

    /// A path that opens the file anew (its own offset), for APIs that take a path.
    public static func path(holding bytes: [UInt8]) -> String {
        "/proc/self/fd/\(holding(bytes))"
    }
}
