/// What a stage knows of one neighbouring stage (docs/stages.md, "Faults"): whether it is there,
/// which life of it this stage listens to, the newest step it sent, and what went wrong with its
/// messages.
///
/// A neighbour is gone when its retained status says `offline`, or when it sends this stage
/// messages and none came for the link's `silenceTimeout` (counted, for a neighbour that also
/// reads this stage's messages, from the first this stage sent it after its last); it is back
/// at its next message or `online`.
public struct StageNeighbour: Sendable, Equatable {
    public let stage: Int
    /// True when it sends this stage messages (states, costates or inputs), so its silence counts.
    public let sends: Bool
    /// Its latest retained status: `online`, `offline`, or nil before the first.
    public package(set) var status: String?
    /// The life of its messages this stage accepts; older lives are refused. Nil until its first message.
    public package(set) var life: UInt32?
    /// The step of its newest accepted message.
    public package(set) var newestStep: UInt64?
    /// Why it is gone ("offline", "silent for 2.0 s"); nil while it is there.
    public package(set) var goneReason: String?
    /// True when it reads this stage's messages and so may wait for them: its silence counts
    /// only from this stage's first message after its last one (`sentSinceHeard`).
    public let reads: Bool
    package var lastHeard: ContinuousClock.Instant
    package var sentSinceHeard: ContinuousClock.Instant?
    package var goneSince: ContinuousClock.Instant?
    /// How long it was away at its latest return, in seconds.
    public package(set) var lastAbsenceSeconds = 0.0
    /// Times it went away.
    public package(set) var absences = 0
    /// Its messages refused: damaged, of another model, or of an older life.
    public package(set) var rejected = 0
    /// Its messages of a step this stage had already passed.
    public package(set) var stale = 0
    /// Steps this stage ran without its message of that step (a costate), or skipped because it never came (a state or input).
    public package(set) var missing = 0
    /// Steps that learned from one of its costates older than lockstep's (free timing).
    public package(set) var late = 0

    package init(stage: Int, sends: Bool, reads: Bool, now: ContinuousClock.Instant) {
        (self.stage, self.sends, self.reads, lastHeard) = (stage, sends, reads, now)
    }

    /// When its silence began to count: a neighbour that waits for this stage (blocked itself,
    /// or in lockstep on this stage) is not silent for want of this stage's messages.
    package var silentSince: ContinuousClock.Instant? { reads ? sentSinceHeard : lastHeard }

    public var isGone: Bool { goneReason != nil }

    /// "gone" or "there", as the metrics say it.
    public var state: String { isGone ? "gone" : "there" }
}
