import StreamFeatures
import Testing

/// A sensor payload's time field: epoch seconds or a date and time, taken out of the values,
/// required in every JSON message once configured, and carried to the assembler.
@Suite struct SensorTimeFieldTests {
    let topic = "nab/value"
    let parser = SensorPayloadParser(timeField: "time")

    func reading(_ text: String, _ parser: SensorPayloadParser) throws(SensorPayloadError) -> SensorReading {
        try parser.parse(Array(text.utf8), topic: topic)
    }

    func error(_ text: String, _ parser: SensorPayloadParser) -> SensorPayloadError? {
        do {
            _ = try parser.parse(Array(text.utf8), topic: topic)
            return nil
        } catch { return error }
    }

    @Test("a date, a date with a zone and epoch seconds give the same time; the field is not a value")
    func forms() throws {
        let date = try reading(#"{"value": 10844, "time": "2014-07-01 00:00:00"}"#, parser)
        #expect(date.time == 1_404_172_800)
        #expect(date.values == [10844] && date.fieldNames == ["value"])
        #expect(try reading(#"{"time": "2014-07-01T02:00:00+02:00", "value": 1}"#, parser).time == 1_404_172_800)
        #expect(try reading(#"{"time": 1404172800.5, "value": 1}"#, parser).time == 1_404_172_800.5)
        let milliseconds = SensorPayloadParser(timeField: "time", timestampUnit: .milliseconds)
        #expect(try reading(#"{"time": 1404172800500, "value": 1}"#, milliseconds).time == 1_404_172_800.5)
        // A date is absolute, whatever the unit of numbers.
        #expect(try reading(#"{"time": "2014-07-01", "value": 1}"#, milliseconds).time == 1_404_172_800)
        #expect(try reading("[1, 2]", SensorPayloadParser()).time == nil)
    }

    @Test("the time field may also be the join timestamp field, or another field beside it")
    func withTimestampField() throws {
        let same = SensorPayloadParser(timestampField: "ts", timeField: "ts")
        let both = try reading(#"{"ts": 1000, "v": 2}"#, same)
        #expect(both.timestamp == 1000 && both.time == 1000 && both.values == [2])
        let apart = SensorPayloadParser(timestampField: "seq", timeField: "time")
        let two = try reading(#"{"seq": 7, "time": "1970-01-01 00:01:00", "v": 2}"#, apart)
        #expect(two.timestamp == 7 && two.time == 60 && two.values == [2])
    }

    @Test("a missing, malformed or repeated time field rejects the message")
    func rejections() {
        #expect(error(#"{"value": 1}"#, parser) == .missingTime(topic: topic, field: "time"))
        #expect(error("5", parser) == .missingTime(topic: topic, field: "time"))
        #expect(error(#"{"value": 1, "time": "2014-13-01 00:00:00"}"#, parser) == .invalidTime(topic: topic, field: "time", found: #""2014-13-01 00:00:00""#))
        #expect(error(#"{"value": 1, "time": true}"#, parser)?.reason == .invalidTime)
        #expect(error(#"{"time": 1, "time": 2, "value": 1}"#, parser)?.reason == .duplicateField)
        let message = error(#"{"value": 1, "time": "yesterday"}"#, parser)?.description ?? ""
        #expect(message.contains(#"time field "time" is "yesterday""#) && message.contains("2014-04-01 00:00:00"), "\(message)")
    }

    @Test("the assembler keeps the last accepted message's time, and a rejected one changes nothing")
    func assembler() {
        let slots = [SensorSlot(name: "v", topic: try! TopicFilter(topic), selector: .field("value"), format: .json, maximumAgeSeconds: 10)]
        let assembler = SensorVectorAssembler(slots: slots, parser: parser)
        assembler.ingest(topic: topic, payload: Array(#"{"value": 1, "time": 60}"#.utf8), time: 0)
        #expect(assembler.lastTime == 60)
        let outcome = assembler.ingest(topic: topic, payload: Array(#"{"value": 2}"#.utf8), time: 1)
        #expect(outcome == .rejected(.missingTime(topic: topic, field: "time")))
        #expect(assembler.lastTime == 60 && assembler.assemble(at: 1).values == [1])
        #expect(assembler.counters.rejected(.missingTime) == 1)
    }
}
