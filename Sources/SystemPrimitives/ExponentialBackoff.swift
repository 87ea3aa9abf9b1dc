#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Delays between retries (a broker connection, an audio device): `initial`, doubling per failed
/// attempt up to `maximum`, each shortened by a random fraction of up to `jitterFraction` so that
/// many agents that lost the same broker do not retry in lock-step.
public struct ExponentialBackoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    /// 0 = no jitter; 0.2 = each delay is drawn uniformly from [0.8·d, d].
    public var jitterFraction: Double
    /// Failed attempts counted by `nextDelay()` since the last `reset()`.
    public private(set) var attempts = 0

    public init(initial: Duration, maximum: Duration, jitterFraction: Double = 0) {
        (self.initial, self.maximum, self.jitterFraction) = (initial, maximum, jitterFraction)
    }

    /// The un-jittered delay before attempt `attempt` (0 = the first retry): initial·2^attempt, capped.
    public func baseDelay(forAttempt attempt: Int) -> Duration {
        let initialNs = Double(initial.nanoseconds)
        let maximumNs = Double(maximum.nanoseconds)
        let exponent = Double(min(max(attempt, 0), 62))
        return .nanoseconds(Int64(min(initialNs * pow(2, exponent), maximumNs)))
    }

    /// The delay before attempt `attempt`, with `unitRandom` in [0, 1) choosing the jitter:
    /// base·(1 − jitterFraction·unitRandom). Never above `maximum`, never below (1 − jitter)·initial.
    public func delay(forAttempt attempt: Int, unitRandom: Double) -> Duration {
        let base = Double(baseDelay(forAttempt: attempt).nanoseconds)
        let u = min(max(unitRandom, 0), 1)
        return .nanoseconds(Int64(base * (1 - jitterFraction * u)))
    }

    /// The un-jittered delay before the next attempt, for a caller that counts failures here.
    public mutating func nextDelay() -> Duration {
        defer { attempts += 1 }
        return baseDelay(forAttempt: attempts)
    }

    /// Back to `initial`, after the retried thing worked again.
    public mutating func reset() { attempts = 0 }
}
