import Foundation
import Synchronization

/// CPU time (user + system) per thread of this process and of the broker, read from /proc, so a
/// row can say where the cores went: the measured paths share two cores with their peers.
struct ThreadCPU {
    struct Usage {
        var seconds: Double
        /// Context switches: voluntary (the thread slept) and involuntary (it was pre-empted).
        var voluntary, involuntary: Int
    }

    /// Per "name#tid", and "mosquitto broker" for the broker process.
    let usage: [String: Usage]

    /// The thread ids of this process now.
    static func threadIDs() -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [])
    }

    /// Runs `body` and labels the threads it started (a client's loop and supervisor threads) with `label`.
    static func labeling<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        let before = threadIDs()
        let value = try body()
        for tid in threadIDs().subtracting(before) {
            let name = read("/proc/self/task/\(tid)/stat")?.0 ?? "thread"
            labels.withLock { $0[tid] = "\(label) \(name)" }
        }
        return value
    }

    static let labels = Mutex<[String: String]>([:])

    static func sample(brokerPID: Int32) -> ThreadCPU {
        var usage: [String: Usage] = [:]
        func add(_ directory: String, key: (String) -> String) {
            guard let (name, seconds) = read("\(directory)/stat") else { return }
            let (voluntary, involuntary) = contextSwitches("\(directory)/status")
            usage[key(name)] = Usage(seconds: seconds, voluntary: voluntary, involuntary: involuntary)
        }
        for tid in threadIDs() { add("/proc/self/task/\(tid)") { "\($0)#\(tid)" } }
        add("/proc/\(brokerPID)") { _ in "mosquitto broker" }
        return ThreadCPU(usage: usage)
    }

    private static func contextSwitches(_ path: String) -> (Int, Int) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Int {
            text.split(separator: "\n").first { $0.hasPrefix(name) }.flatMap { Int($0.split(separator: "\t").last ?? "") } ?? 0
        }
        return (field("voluntary_ctxt_switches:"), field("nonvoluntary_ctxt_switches:"))
    }

    /// (comm, utime + stime in seconds) from a stat line; comm may contain spaces, so split after ')'.
    private static func read(_ path: String) -> (String, Double)? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
        let name = String(text[text.index(after: open)..<close])
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After ')': state is field 3, utime 14, stime 15 (1-based), so indices 11 and 12 here.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (name, (user + system) / ticks)
    }

    /// Microseconds of CPU per message for each thread that used at least 1 % of the interval, busiest first.
    static func report(from start: ThreadCPU, to end: ThreadCPU, messages: Int) -> String {
        let names = labels.withLock { $0 }
        var rows: [(name: String, used: Double, switches: Double, preempted: Double)] = []
        var total = 0.0
        let count = Double(max(messages, 1))
        for (key, after) in end.usage {
            let before = start.usage[key] ?? Usage(seconds: 0, voluntary: 0, involuntary: 0)
            let used = after.seconds - before.seconds
            total += used
            guard used > 0 else { continue }
            let tid = key.split(separator: "#").last.map(String.init) ?? ""
            let name =
                names[tid]
                ?? (key.hasPrefix("hamlet-mqtt-ben#")
                    ? "bench publisher" : key.hasPrefix("receiver#") ? "bench subscriber" : key)
            let preempted = after.involuntary - before.involuntary
            rows.append((name, used, Double(after.voluntary - before.voluntary + preempted) / count, Double(preempted) / count))
        }
        rows.sort { $0.used > $1.used }
        let perMessage = { (s: Double) in String(format: "%.1f", s / count * 1e6) }
        return "  CPU µs per message: total \(perMessage(total)); "
            + rows.filter { $0.used >= total * 0.01 }.map {
                "\($0.name) \(perMessage($0.used)) (\(String(format: "%.2f", $0.switches)) switches, \(String(format: "%.2f", $0.preempted)) preempted)"
            }.joined(separator: ", ")
    }
}
