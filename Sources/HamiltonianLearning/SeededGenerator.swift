import SeededRandom

/// The generator that fixes a model's initial weights from a seed; its sequence is `SplitMix64`'s.
public typealias SeededGenerator = SplitMix64
