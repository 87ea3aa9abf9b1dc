/// The `id` of each alert this process publishes: `<source>-<boot>-<n>`, where `source` is the
/// MQTT client id, `boot` 16 random hex digits drawn once per process start and `n` counts from 1.
/// Unique across restarts without any state on disk, so a subscriber can drop the duplicates
/// that at-least-once delivery and the durable outbox's replay may bring.
public struct AlertIdentity: Sendable {
    public let source: String
    public let boot: String
    private var count: UInt64 = 0

    public init(source: String, boot: UInt64 = .random(in: .min ... .max)) {
        self.source = source
        let digits = String(boot, radix: 16)
        self.boot = String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The next id.
    public mutating func next() -> String {
        count += 1
        return "\(source)-\(boot)-\(count)"
    }
}
