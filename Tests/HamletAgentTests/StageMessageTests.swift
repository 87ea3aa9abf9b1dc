import HamletAgent
import Testing

/// The stage message payload against bytes packed by Python's `struct` (`'<4sB3xQQII2f'`), and
/// every refusal.
@Suite struct StageMessageTests {
    /// struct.pack('<4sB3xQQII2f', b'HLS1', 1, 42, 0x0123456789abcdef, 7, 2, 1.5, -2.25).hex()
    static let packedByPython = "484c5331010000002a00000000000000efcdab896745230107000000020000000000c03f000010c0"

    static func bytes(_ hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map { offset in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
    }

    static let message = StageMessage(kind: .costate, step: 42, model: 0x0123_4567_89ab_cdef, life: 7, values: [1.5, -2.25])

    @Test("encodes to the bytes Python's struct packs, and decodes them back")
    func matchesPython() throws {
        #expect(Self.message.payload == Self.bytes(Self.packedByPython))
        #expect(try StageMessage(payload: Self.bytes(Self.packedByPython)) == Self.message)
    }

    @Test("the model identity is FNV-1a 64 (Python: 0x4fbb39d5f1f7c252 for \"hamlet\")")
    func identity() {
        #expect(StageMessage.identity(of: "hamlet") == 0x4fbb_39d5_f1f7_c252)
        #expect(StageMessage.identity(of: "hamlet ") != StageMessage.identity(of: "hamlet"))
    }

    @Test("refuses short, foreign, unknown, oversized, mis-sized and non-finite payloads with a reason")
    func refusals() {
        let good = Self.message.payload
        func refusal(_ bytes: [UInt8]) -> StageMessageError? {
            do { _ = try StageMessage(payload: bytes); return nil } catch { return error }
        }
        #expect(refusal(Array(good.prefix(31))) == .tooShort(bytes: 31))
        var foreign = good
        foreign[0] = UInt8(ascii: "{")
        #expect(refusal(foreign) == .notAStageMessage)
        var kind = good
        kind[4] = 9
        #expect(refusal(kind) == .unknownKind(9))
        var huge = good
        huge[31] = 0x10
        #expect(refusal(huge) == .tooManyValues(0x1000_0002))
        #expect(refusal(good + [0]) == .wrongLength(expected: 40, found: 41))
        let nan = StageMessage(kind: .state, step: 1, model: 2, life: 0, values: [0, .nan]).payload
        #expect(refusal(nan) == .nonFiniteValue(index: 1))
        #expect(refusal(nan)!.description.contains("not finite"))
    }

    @Test("refuses non-zero reserved bytes, so a message has one spelling (Fuzz/FuzzStageMessage's first find)")
    func reservedBytes() {
        // The fuzzer's input: kind 2 with byte 6 = 0x99, no values; it decoded, then re-encoded with a zero there.
        let found: [UInt8] = Array("HLS1".utf8) + [2, 0, 0x99, 0] + [UInt8](repeating: 0, count: 24)
        #expect(throws: StageMessageError.reservedNotZero([0, 0x99, 0])) { try StageMessage(payload: found) }
        var good = Self.message.payload
        good[7] = 1
        #expect(throws: StageMessageError.reservedNotZero([0, 0, 1])) { try StageMessage(payload: good) }
    }
}
