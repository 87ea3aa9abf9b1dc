/// Where an output's record stands in its input, as the output names it: `line` 12 of a file,
/// `frame` 40 of audio, `tick` 7 of MQTT sensors, `record` 3 of a pipeline stage.
public struct RecordPosition: Sendable, Equatable {
    /// The JSON key the position is written under.
    public var name: String
    public var index: Int

    public init(name: String, index: Int) {
        self.name = name
        self.index = index
    }
}
