import FoundationEssentials

/// A stage's life: the number stamped on its messages, new at every start and larger than the
/// last, so that its neighbours refuse what an older start of it still had on the way
/// (docs/stages.md, "Faults"). The seconds since the epoch, or one more than the life kept in the
/// state directory when that is larger (two starts within a second, a clock set back).
enum StageLife {
    static func next(stateDirectory: String, now: Double = AgentClock.epochSeconds()) -> UInt32 {
        let path = stateDirectory + "/stage-life"
        let previous = (try? Data(contentsOf: URL(fileURLWithPath: path))).flatMap {
            UInt32(String(decoding: $0, as: UTF8.self).filter(\.isNumber))
        }
        let life = max(UInt32(clamping: Int64(now)), previous.map { $0 &+ 1 } ?? 1)
        try? Data("\(life)\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return life
    }
}
