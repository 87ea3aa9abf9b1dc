#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A text file read one line at a time with getline(3), so a long run never sits in memory whole.
final class TextLines {
    let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    private(set) var lineNumber = 0

    /// Opens `path`; "-" reads standard input.
    init(path: String) throws(PlotError) {
        self.path = path
        if path == "-" {
            // glibc's `stdin` global is not concurrency-safe to name in Swift 6; a second FILE on fd 0 is.
            guard let standardInput = fdopen(0, "r") else {
                throw .cannotOpen(path: "standard input", reason: String(cString: strerror(errno)))
            }
            file = standardInput
        } else {
            guard let opened = fopen(path, "r") else {
                throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            file = opened
        }
    }

    deinit {
        free(buffer)
        fclose(file)
    }

    /// The next line without its line ending, or nil at the end of the file.
    func next() -> Substring? {
        let count = getline(&buffer, &capacity, file)
        guard count >= 0, let buffer else { return nil }
        lineNumber += 1
        var text = String(decoding: UnsafeRawBufferPointer(start: buffer, count: count), as: UTF8.self)[...]
        while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" { text = text.dropLast() }
        return text
    }
}
