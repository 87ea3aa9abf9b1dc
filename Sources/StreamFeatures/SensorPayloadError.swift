/// Why a sensor message was rejected; each message names the topic, what is wrong and what was expected.
public enum SensorPayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty(topic: String)
    case tooLarge(topic: String, byteCount: Int, limit: Int)
    case invalidUTF8(topic: String)
    /// Not JSON at all; `byteOffset` counts from 0.
    case invalidJSON(topic: String, byteOffset: Int, problem: String)
    /// A value of the wrong kind; `found` describes it, e.g. `a string ("hot")`.
    case wrongType(topic: String, location: SensorValueLocation, found: String)
    /// NaN or an infinity (JSON has no such tokens; CSV and float32 can carry them).
    case nonFinite(topic: String, location: SensorValueLocation, text: String)
    /// A finite number beyond ±Float.greatestFiniteMagnitude (about ±3.4e38).
    case outOfRange(topic: String, location: SensorValueLocation, text: String)
    case tooManyValues(topic: String, limit: Int)
    case duplicateField(topic: String, name: String)
    case invalidTimestamp(topic: String, field: String, found: String)
    case csvNotANumber(topic: String, column: Int, text: String)
    case csvMultipleLines(topic: String)
    case float32Misaligned(topic: String, byteCount: Int)
    /// The payload parsed but lacks the value a vector slot reads; `available` says what it has.
    case missingValue(topic: String, location: SensorValueLocation, available: String)
    /// A slot without a field or index needs a payload holding exactly one value.
    case notSingleValue(topic: String, count: Int)
    /// The assembler dates values by payload timestamps, and this payload has none.
    case missingTimestamp(topic: String, field: String?)
    /// The parser has a time field, and this payload lacks it.
    case missingTime(topic: String, field: String)
    /// The time field is neither epoch seconds nor a date and time.
    case invalidTime(topic: String, field: String, found: String)

    /// The kind of rejection, for counters.
    public enum Reason: Int, Sendable, Hashable, CaseIterable {
        case empty, tooLarge, invalidUTF8, invalidJSON, wrongType, nonFinite, outOfRange, tooManyValues
        case duplicateField, invalidTimestamp, invalidCSV, float32Misaligned, missingValue, notSingleValue
        case missingTimestamp, missingTime, invalidTime
    }

    public var reason: Reason {
        switch self {
        case .empty: .empty
        case .tooLarge: .tooLarge
        case .invalidUTF8: .invalidUTF8
        case .invalidJSON: .invalidJSON
        case .wrongType: .wrongType
        case .nonFinite: .nonFinite
        case .outOfRange: .outOfRange
        case .tooManyValues: .tooManyValues
        case .duplicateField: .duplicateField
        case .invalidTimestamp: .invalidTimestamp
        case .csvNotANumber, .csvMultipleLines: .invalidCSV
        case .float32Misaligned: .float32Misaligned
        case .missingValue: .missingValue
        case .notSingleValue: .notSingleValue
        case .missingTimestamp: .missingTimestamp
        case .missingTime: .missingTime
        case .invalidTime: .invalidTime
        }
    }

    public var topic: String {
        switch self {
        case .empty(let topic), .tooLarge(let topic, _, _), .invalidUTF8(let topic), .invalidJSON(let topic, _, _),
            .wrongType(let topic, _, _), .nonFinite(let topic, _, _), .outOfRange(let topic, _, _),
            .tooManyValues(let topic, _), .duplicateField(let topic, _), .invalidTimestamp(let topic, _, _),
            .csvNotANumber(let topic, _, _), .csvMultipleLines(let topic), .float32Misaligned(let topic, _),
            .missingValue(let topic, _, _), .notSingleValue(let topic, _), .missingTimestamp(let topic, _),
            .missingTime(let topic, _), .invalidTime(let topic, _, _):
            topic
        }
    }

    public var description: String {
        "topic \(quoted(topic)): " + problem
    }

    private var problem: String {
        switch self {
        case .empty:
            "the payload is empty; expected at least one number"
        case .tooLarge(_, let byteCount, let limit):
            "the payload has \(byteCount) bytes; expected at most \(limit) (raise maximumPayloadBytes if this is intended)"
        case .invalidUTF8:
            "the payload is not valid UTF-8; expected UTF-8 text (or use the float32LittleEndian format for binary)"
        case .invalidJSON(_, let offset, let problem):
            "invalid JSON at byte \(offset): \(problem)"
        case .wrongType(_, let location, let found):
            "\(location) is \(found); expected "
                + (location == .payload ? "a number, an array of numbers or an object of numbers" : "a number")
        case .nonFinite(_, let location, let text):
            "\(location) is \(quoted(text)), not a finite number; expected a finite number"
        case .outOfRange(_, let location, let text):
            "\(location) is \(text), outside the Float range; expected a magnitude at most 3.4028235e38"
        case .tooManyValues(_, let limit):
            "the payload has more than \(limit) values; expected at most \(limit) (raise maximumValues if this is intended)"
        case .duplicateField(_, let name):
            "field \(quoted(name)) appears twice; expected each field once"
        case .invalidTimestamp(_, let field, let found):
            "timestamp field \(quoted(field)) is \(found); expected a finite number since the Unix epoch"
        case .csvNotANumber(_, let column, let text):
            text.isEmpty
                ? "column \(column) is empty; expected a number between every two commas"
                : "column \(column) is \(quoted(text)); expected a decimal number such as 1.5 or -2e3"
        case .csvMultipleLines:
            "the payload has more than one line; expected one line of comma-separated numbers"
        case .float32Misaligned(_, let byteCount):
            "the payload has \(byteCount) bytes; expected a multiple of 4 (little-endian float32 values)"
        case .missingValue(_, let location, let available):
            "\(location) is missing; the payload has \(available)"
        case .notSingleValue(_, let count):
            "the payload has \(count) values; expected exactly one, or name a field or index in the slot"
        case .invalidTime(_, let field, let found):
            "time field \(quoted(field)) is \(found); expected seconds since the Unix epoch or a date and time such as "
                + "\"2014-04-01 00:00:00\" or \"2014-04-01T00:00:00.5Z\" (UTC unless a zone is given)"
        case .missingTime(_, let field):
            "the payload has no time field \(quoted(field)); expected it in every message, since records are dated by it"
        case .missingTimestamp(_, let field):
            if let field {
                "the payload has no timestamp field \(quoted(field)); expected one, since values are dated by it"
            } else {
                "the payload has no timestamp; expected a JSON object with a timestamp field, since values are dated by it"
            }
        }
    }
}
