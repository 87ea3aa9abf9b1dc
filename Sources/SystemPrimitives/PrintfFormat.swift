#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One number through C's printf formatting (`%.2f`, `%.6g`, …): the same text as Foundation's
/// `String(format:)`, which the binary no longer links (Foundation's ICU data is most of its size).
public enum PrintfFormat {
    /// `format` must hold exactly one floating-point conversion.
    public static func string(_ format: String, _ value: Double) -> String {
        withVaList([value]) { arguments in
            var buffer = [CChar](repeating: 0, count: 64)
            let needed = Int(vsnprintf(&buffer, buffer.count, format, arguments))
            guard needed >= buffer.count else { return text(buffer) }
            // A %f of a huge number needs more than 64 bytes: once more with room for all of it.
            return withVaList([value]) { again in
                var larger = [CChar](repeating: 0, count: needed + 1)
                _ = vsnprintf(&larger, larger.count, format, again)
                return text(larger)
            }
        }
    }

    private static func text(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
