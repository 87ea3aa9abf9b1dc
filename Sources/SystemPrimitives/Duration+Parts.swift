import Dispatch

extension Duration {
    /// Whole nanoseconds, clamped to 0…Int64.max.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds < 0) { return 0 }
        if seconds >= Int64.max / 1_000_000_000 - 1 { return Int64.max }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Seconds as a Double, for arithmetic and log messages.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// "0.25 s", "1.5 s" — for log lines.
    public var logText: String {
        let ms = (seconds * 1000).rounded()
        return ms < 10_000 ? "\(Double(ms) / 1000) s" : "\(Int((seconds).rounded())) s"
    }

    /// A Dispatch deadline this long from now (nil = forever).
    public static func dispatchDeadline(after timeout: Duration?) -> DispatchTime {
        guard let timeout else { return .distantFuture }
        let ns = timeout.nanoseconds
        if ns >= Int64(Int.max / 2) { return .distantFuture }
        return .now() + .nanoseconds(Int(ns))
    }
}
