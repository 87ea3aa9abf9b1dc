#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// Nanoseconds from a monotonic clock.
@inline(__always)
public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Reads `VmRSS` and `VmHWM` (kB) from /proc/self/status with plain read(2) into a buffer that the
/// caller allocates once, so sampling does not itself grow the heap. nil where /proc is missing.
public final class ResidentMemoryProbe {
    private let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 8192)

    public init() {}
    deinit { buffer.deallocate() }

    /// VmRSS (all resident pages), RssAnon (heap, stacks: what a leak grows), RssFile (mapped
    /// files: code and data of the executable and libraries, paged in when first run) and VmHWM.
    public struct Sample: Sendable {
        public var rssKB, anonymousKB, fileKB, peakKB: Int

        public init(rssKB: Int, anonymousKB: Int, fileKB: Int, peakKB: Int) {
            (self.rssKB, self.anonymousKB, self.fileKB, self.peakKB) = (rssKB, anonymousKB, fileKB, peakKB)
        }
    }

    public func sample() -> Sample? {
        let fd = open("/proc/self/status", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var length = 0
        while length < 8191 {
            let n = read(fd, buffer + length, 8191 - length)
            if n <= 0 { break }
            length += n
        }
        guard let rss = field("VmRSS:", length), let peak = field("VmHWM:", length) else { return nil }
        return Sample(rssKB: rss, anonymousKB: field("RssAnon:", length) ?? -1, fileKB: field("RssFile:", length) ?? -1, peakKB: peak)
    }

    private func field(_ name: StaticString, _ length: Int) -> Int? {
        let key = name.utf8Start
        let keyLength = name.utf8CodeUnitCount
        var i = 0
        while i + keyLength <= length {
            // Only at line starts.
            if i == 0 || buffer[i - 1] == UInt8(ascii: "\n") {
                var match = true
                for k in 0..<keyLength where buffer[i + k] != key[k] { match = false; break }
                if match {
                    var j = i + keyLength
                    var value = 0
                    while j < length, buffer[j] == UInt8(ascii: " ") || buffer[j] == UInt8(ascii: "\t") { j += 1 }
                    while j < length, buffer[j] >= UInt8(ascii: "0"), buffer[j] <= UInt8(ascii: "9") {
                        value = value * 10 + Int(buffer[j] - UInt8(ascii: "0"))
                        j += 1
                    }
                    return value
                }
            }
            i += 1
        }
        return nil
    }
}

/// The CPU model from /proc/cpuinfo (as `lscpu`'s "Model name") and the number of online CPUs.
public func machineDescription() -> (cpu: String, cores: Int) {
    var cpu = "unknown"
    if let file = fopen("/proc/cpuinfo", "r") {
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        while getline(&line, &capacity, file) > 0 {
            let text = String(cString: line!)
            if text.hasPrefix("model name") {
                if let colon = text.firstIndex(of: ":") {
                    cpu = String(text[text.index(after: colon)...]).trimmingCharacters()
                }
                break
            }
        }
        free(line)
    }
    return (cpu, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

/// Fixed-point formatting without Foundation: `format(3.14159, 2)` → "3.14".
public func format(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let negative = value < 0
    let scaled = (abs(value) * scale).rounded()
    let integer = (scaled / scale).rounded(.towardZero)
    var text = String(Int64(integer))
    if decimals > 0 {
        let fraction = Int64(scaled - integer * scale)
        var digits = String(fraction)
        while digits.count < decimals { digits = "0" + digits }
        text += "." + digits
    }
    return negative && scaled != 0 ? "-" + text : text
}

/// Formats with a thousands separator: 1234567 → "1,234,567".
public func grouped(_ value: Int) -> String {
    let digits = String(abs(value))
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return value < 0 ? "-" + out : out
}

/// Scientific-ish short form for small errors: 0.000123 → "1.23e-4", 0.0456 → "0.0456".
public func short(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : "inf" }
    if value == 0 { return "0" }
    if abs(value) >= 0.01 { return format(value, 4) }
    var exponent = 0
    var mantissa = abs(value)
    while mantissa < 1 { mantissa *= 10; exponent -= 1 }
    return (value < 0 ? "-" : "") + format(mantissa, 2) + "e" + String(exponent)
}

/// A Markdown table with right-aligned numeric columns padded for reading in a terminal.
public func markdownTable(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> String {
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    func pad(_ s: String, _ i: Int) -> String {
        let fill = String(repeating: " ", count: widths[i] - s.count)
        return rightAligned.contains(i) ? fill + s : s + fill
    }
    var lines = ["| " + header.enumerated().map { pad($1, $0) }.joined(separator: " | ") + " |"]
    lines.append("|" + widths.enumerated().map { i, w in
        rightAligned.contains(i) ? String(repeating: "-", count: w + 1) + ":" : ":" + String(repeating: "-", count: w + 1)
    }.joined(separator: "|") + "|")
    for row in rows { lines.append("| " + row.enumerated().map { pad($1, $0) }.joined(separator: " | ") + " |") }
    return lines.joined(separator: "\n")
}

/// Minimal JSON string escaping for the few strings we emit.
public func jsonString(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default:
            if ch.value < 0x20 { out += "\\u00" + (ch.value < 0x10 ? "0" : "") + String(ch.value, radix: 16) } else { out.unicodeScalars.append(ch) }
        }
    }
    return out + "\""
}

public func jsonNumber(_ v: Double) -> String {
    v.isFinite ? "\(v)" : "null"
}

/// Writes a line to standard error with write(2) (no shared C `FILE *`, so fine from any thread).
public func printError(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}
