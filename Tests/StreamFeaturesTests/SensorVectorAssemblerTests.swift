import StreamFeatures
import Testing

/// Several topics feed one vector; stale and never-seen slots are flagged; bad messages change nothing.
@Suite struct SensorVectorAssemblerTests {
    func makeAssembler() throws -> SensorVectorAssembler {
        SensorVectorAssembler(slots: [
            SensorSlot(name: "pump1.temp", topic: try TopicFilter("plant/pump1"), selector: .field("temp"), maximumAgeSeconds: 5),
            SensorSlot(name: "pump1.hum", topic: try TopicFilter("plant/pump1"), selector: .field("hum"), maximumAgeSeconds: 5),
            SensorSlot(name: "flow", topic: try TopicFilter("plant/+/flow"), maximumAgeSeconds: 2),
            SensorSlot(name: "vib.y", topic: try TopicFilter("plant/vib"), selector: .index(1), format: .csv, maximumAgeSeconds: 1),
        ], parser: SensorPayloadParser(timestampField: "ts"))
    }

    func send(_ assembler: SensorVectorAssembler, _ topic: String, _ text: String, at time: Double) -> SensorIngestOutcome {
        assembler.ingest(topic: topic, payload: Array(text.utf8), time: time)
    }

    @Test("several topics feed one vector")
    func severalTopics() throws {
        let assembler = try makeAssembler()
        #expect(send(assembler, "plant/pump1", #"{"ts": 1, "temp": 21.5, "hum": 40}"#, at: 10) == .accepted(slots: 2))
        #expect(send(assembler, "plant/p7/flow", "3.25", at: 10) == .accepted(slots: 1))
        #expect(send(assembler, "plant/vib", "0.5,-1.5,2\n", at: 10) == .accepted(slots: 1))
        #expect(send(assembler, "other/topic", "1", at: 10) == .ignored)
        let vector = assembler.assemble(at: 10.5)
        #expect(vector == AssembledVector(values: [21.5, 40, 3.25, -1.5], flagged: [false, false, false, false],
                                          staleCount: 0, missingCount: 0))
        #expect(assembler.counters.accepted == 3 && assembler.counters.ignored == 1)
    }

    @Test("the last accepted message's timestamp is kept; a rejected or ignored one leaves it")
    func lastTimestamp() throws {
        let assembler = try makeAssembler()
        #expect(assembler.lastTimestamp == nil)
        #expect(send(assembler, "plant/pump1", #"{"ts": 17, "temp": 21.5, "hum": 40}"#, at: 10) == .accepted(slots: 2))
        #expect(assembler.lastTimestamp == 17)
        _ = send(assembler, "plant/pump1", #"{"ts": 18, "temp": "hot", "hum": 40}"#, at: 10)
        _ = send(assembler, "other/topic", #"{"ts": 19}"#, at: 10)
        #expect(assembler.lastTimestamp == 17)
        #expect(send(assembler, "plant/p7/flow", "3.25", at: 10) == .accepted(slots: 1))
        #expect(assembler.lastTimestamp == nil)
    }

    @Test("a value older than its maximum age is kept and flagged stale")
    func stale() throws {
        let assembler = try makeAssembler()
        _ = send(assembler, "plant/pump1", #"{"temp": 20, "hum": 41}"#, at: 0)
        _ = send(assembler, "plant/a/flow", "7", at: 0)
        _ = send(assembler, "plant/vib", "1,2", at: 0)
        let vector = assembler.assemble(at: 3)
        #expect(vector.values == [20, 41, 7, 2])
        #expect(vector.flagged == [false, false, true, true])
        #expect(vector.staleCount == 2 && vector.missingCount == 0 && vector.flaggedCount == 2)
        _ = send(assembler, "plant/b/flow", "8", at: 3)  // another topic matching the wildcard refreshes it
        #expect(assembler.assemble(at: 4).flagged == [false, false, false, true])
        #expect(assembler.assemble(at: 4).values[2] == 8)
        #expect(assembler.counters.staleSlotEvents == 4)
    }

    @Test("a never-seen slot is 0 and flagged missing")
    func neverSeen() throws {
        let assembler = try makeAssembler()
        _ = send(assembler, "plant/x/flow", "5", at: 0)
        let vector = assembler.assemble(at: 0)
        #expect(vector.values == [0, 0, 5, 0])
        #expect(vector.flagged == [true, true, false, true])
        #expect(vector.missingCount == 3 && vector.staleCount == 0)
        #expect(assembler.counters.missingSlotEvents == 3)
    }

    @Test("a bad payload is counted by reason and changes no slot")
    func badPayload() throws {
        let assembler = try makeAssembler()
        _ = send(assembler, "plant/pump1", #"{"temp": 20, "hum": 41}"#, at: 0)
        let before = assembler.assemble(at: 1)
        let outcomes = [
            send(assembler, "plant/pump1", #"{"temp": "hot", "hum": 1}"#, at: 1),
            send(assembler, "plant/pump1", #"{"temp": 99}"#, at: 1),  // lacks hum: all-or-nothing
            send(assembler, "plant/pump1", "", at: 1),
            send(assembler, "plant/q/flow", "[1, 2]", at: 1),
            send(assembler, "plant/vib", "1", at: 1),
        ]
        #expect(outcomes.allSatisfy { if case .rejected = $0 { true } else { false } })
        if case .rejected(let error) = outcomes[1] {
            #expect(error.description == #"topic "plant/pump1": field "hum" is missing; the payload has fields "temp""#)
        }
        #expect(assembler.assemble(at: 1) == before)
        let counters = assembler.counters
        #expect(counters.rejected(.wrongType) == 1 && counters.rejected(.missingValue) == 2)
        #expect(counters.rejected(.empty) == 1 && counters.rejected(.notSingleValue) == 1)
        #expect(counters.rejectedTotal == 5 && counters.accepted == 1 && counters.received == 6)
    }

    @Test("payload timestamps date values when asked; payloads without one are rejected")
    func payloadClock() throws {
        let assembler = SensorVectorAssembler(
            slots: [SensorSlot(name: "t", topic: try TopicFilter("s"), selector: .field("v"), maximumAgeSeconds: 1)],
            parser: SensorPayloadParser(timestampField: "ts", timestampUnit: .milliseconds), valueClock: .payloadTimestamp)
        #expect(assembler.ingest(topic: "s", payload: Array(#"{"ts": 1000500, "v": 2}"#.utf8), time: 0) == .accepted(slots: 1))
        #expect(assembler.assemble(at: 1_001.4).flagged == [false])
        #expect(assembler.assemble(at: 1_001.6).flagged == [true])
        let outcome = assembler.ingest(topic: "s", payload: Array(#"{"v": 3}"#.utf8), time: 0)
        #expect(outcome == .rejected(.missingTimestamp(topic: "s", field: "ts")))
    }
}
