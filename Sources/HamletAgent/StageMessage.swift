/// One message between the stages of a pipelined network that runs across agents (issue 15):
/// a state sent up, a costate sent down, or a step's input and target sent from the first stage
/// to the last. Its payload is binary and little-endian (docs/stages.md):
///
///     offset  size  field
///          0     4  magic "HLS1"
///          4     1  kind: 0 state (up), 1 costate (down), 2 input and target (first → last)
///          5     3  zero
///          8     8  step: the step that produced it (u64)
///         16     8  model: the network's identity (u64, `StageMessage.identity(of:)`)
///         24     4  life: bumped when a stage's model is reset, so an older life's messages are refused (u32)
///         28     4  count of values (u32)
///         32  4·count  the values (f32)
///
/// Decoding refuses anything else with a reason: a stage must never learn from a damaged,
/// foreign or non-finite message.
public struct StageMessage: Equatable, Sendable {
    public enum Kind: UInt8, Sendable, CustomStringConvertible {
        case state = 0
        case costate = 1
        case inputAndTarget = 2

        public var description: String {
            switch self {
            case .state: "state"
            case .costate: "costate"
            case .inputAndTarget: "input and target"
            }
        }
    }

    public static let magic: [UInt8] = Array("HLS1".utf8)
    public static let headerSize = 32
    /// No network here is wider than this; a larger count is a damaged or hostile payload.
    public static let maximumCount = 1 << 20

    public var kind: Kind
    public var step: UInt64
    public var model: UInt64
    public var life: UInt32
    public var values: [Float]

    public init(kind: Kind, step: UInt64, model: UInt64, life: UInt32, values: [Float]) {
        (self.kind, self.step, self.model, self.life, self.values) = (kind, step, model, life, values)
    }

    /// FNV-1a (64 bits) of a text that describes the network (for example its configuration as
    /// canonical JSON, without what only one stage decides): equal networks, equal identity.
    public static func identity(of description: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in description.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    public var payload: [UInt8] {
        var bytes = Self.magic
        bytes.reserveCapacity(Self.headerSize + 4 * values.count)
        bytes += [kind.rawValue, 0, 0, 0]
        Self.append(step, to: &bytes)
        Self.append(model, to: &bytes)
        Self.append(UInt64(life) | UInt64(values.count) << 32, to: &bytes)
        for value in values { Self.append(UInt64(value.bitPattern), to: &bytes, size: 4) }
        return bytes
    }

    public init(payload bytes: [UInt8]) throws(StageMessageError) {
        guard bytes.count >= Self.headerSize else { throw .tooShort(bytes: bytes.count) }
        guard Array(bytes[0..<4]) == Self.magic else { throw .notAStageMessage }
        guard let kind = Kind(rawValue: bytes[4]) else { throw .unknownKind(bytes[4]) }
        // Reserved bytes set mean another version or damage; accepting them would also give one
        // message two spellings (found by Fuzz/FuzzStageMessage's round trip).
        guard bytes[5..<8].allSatisfy({ $0 == 0 }) else { throw .reservedNotZero(Array(bytes[5..<8])) }
        let count = Int(Self.read(bytes, at: 28, size: 4))
        guard count <= Self.maximumCount else { throw .tooManyValues(count) }
        guard bytes.count == Self.headerSize + 4 * count else {
            throw .wrongLength(expected: Self.headerSize + 4 * count, found: bytes.count)
        }
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let value = Float(bitPattern: UInt32(Self.read(bytes, at: Self.headerSize + 4 * i, size: 4)))
            guard value.isFinite else { throw .nonFiniteValue(index: i) }
            values[i] = value
        }
        self.init(
            kind: kind, step: Self.read(bytes, at: 8, size: 8), model: Self.read(bytes, at: 16, size: 8),
            life: UInt32(Self.read(bytes, at: 24, size: 4)), values: values)
    }

    static func append(_ value: UInt64, to bytes: inout [UInt8], size: Int = 8) {
        for i in 0..<size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }

    static func read(_ bytes: [UInt8], at offset: Int, size: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<size { value |= UInt64(bytes[offset + i]) << (8 * i) }
        return value
    }
}

/// Why a payload is not a stage message a stage may use.
public enum StageMessageError: Error, Equatable, CustomStringConvertible {
    case tooShort(bytes: Int)
    case notAStageMessage
    case unknownKind(UInt8)
    case reservedNotZero([UInt8])
    case tooManyValues(Int)
    case wrongLength(expected: Int, found: Int)
    case nonFiniteValue(index: Int)

    public var description: String {
        switch self {
        case .tooShort(let bytes): "a stage message has a 32-byte header; this payload has \(bytes) bytes"
        case .notAStageMessage: "the payload does not start with \"HLS1\": not a stage message"
        case .unknownKind(let kind): "unknown stage message kind \(kind) (0 state, 1 costate, 2 input and target)"
        case .reservedNotZero(let bytes):
            "bytes 5…7 are reserved and must be zero, found \(bytes): another format version or a damaged message"
        case .tooManyValues(let count): "the header announces \(count) values, more than the \(StageMessage.maximumCount) allowed"
        case .wrongLength(let expected, let found): "the header announces \(expected) bytes in all; the payload has \(found)"
        case .nonFiniteValue(let index): "value \(index) is not finite: a stage does not learn from it"
        }
    }
}
