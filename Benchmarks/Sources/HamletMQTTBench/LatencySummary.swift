/// Received count, rate and latency percentiles of one measured path.
struct LatencySummary {
    let sent: Int
    let received: Int
    let messagesPerSecond: Double
    let p50Milliseconds: Double
    let p99Milliseconds: Double
    let maxMilliseconds: Double

    /// `latencies` in seconds (one per received message); `seconds` from first send to last receipt.
    init(sent: Int, latencies: [Double], seconds: Double) {
        self.sent = sent
        received = latencies.count
        messagesPerSecond = Double(latencies.count) / max(seconds, 1e-9)
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)] * 1000
        }
        p50Milliseconds = percentile(0.50)
        p99Milliseconds = percentile(0.99)
        maxMilliseconds = (sorted.last ?? .nan) * 1000
    }
}
