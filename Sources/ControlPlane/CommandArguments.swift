import JSONText
/// The fields of a request object besides `id` and `command`, read with type and range checks
/// that produce the reply's error (code, message, field).
struct CommandArguments {
    private let members: [JSONMember]
    private let command: ControlCommandName

    init(members: [JSONMember], command: ControlCommandName) {
        self.members = members.filter { $0.key != "id" && $0.key != "command" }
        self.command = command
    }

    var isEmpty: Bool { members.isEmpty }

    /// Fails with `unknown-field` on the first field (in document order) not in `allowed`.
    func allowOnly(_ allowed: [String]) throws(ControlError) {
        guard let unknown = members.first(where: { !allowed.contains($0.key) }) else { return }
        let fix =
            allowed.isEmpty
            ? "\(command.rawValue) takes no arguments; remove it"
            : "\(command.rawValue) takes \(Self.list(allowed)); remove it or fix its name"
        throw ControlError(
            .unknownField, "unknown field \(MessageText.quoted(unknown.key)): \(fix)", field: unknown.key)
    }

    private func value(_ name: String) -> JSONValue? { members.first { $0.key == name }?.value }

    func has(_ name: String) -> Bool { value(name) != nil }

    /// The number in field `name` (nil when absent), finite and in `range`.
    func number(_ name: String, _ range: NumberRange) throws(ControlError) -> Double? {
        guard let value = value(name) else { return nil }
        guard case .number(let literal) = value else {
            throw ControlError(.wrongType, "\(name) must be a number \(range.text), not \(value.kind)", field: name)
        }
        let number = Double(literal) ?? .nan
        guard number.isFinite, range.contains(number) else {
            throw ControlError(
                .outOfRange, "\(name) must be a finite number \(range.text) (got \(MessageText.cut(literal)))",
                field: name)
        }
        return number
    }

    /// The whole number in field `name` (nil when absent), in `range`. `2.0` counts as whole, as
    /// in JSON Schema.
    func integer(_ name: String, _ range: ClosedRange<Int>) throws(ControlError) -> Int? {
        guard let value = value(name) else { return nil }
        let expectation = "a whole number from \(range.lowerBound) to \(range.upperBound)"
        guard case .number(let literal) = value, let number = Double(literal), number.isFinite,
            number == number.rounded()
        else {
            let got = if case .number(let literal) = value { MessageText.cut(literal) } else { value.kind }
            throw ControlError(.wrongType, "\(name) must be \(expectation), not \(got)", field: name)
        }
        guard number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
            throw ControlError(
                .outOfRange, "\(name) must be \(expectation) (got \(MessageText.cut(literal)))", field: name)
        }
        return Int(number)
    }

    /// The string in field `name` (nil when absent), one of `choices`.
    func choice(_ name: String, _ choices: [String]) throws(ControlError) -> String? {
        guard let value = value(name) else { return nil }
        guard case .string(let text) = value else {
            throw ControlError(
                .wrongType, "\(name) must be a string, one of \(Self.list(choices)), not \(value.kind)", field: name)
        }
        guard choices.contains(text) else {
            throw ControlError(
                .outOfRange, "\(name) must be one of \(Self.list(choices)) (got \(MessageText.quoted(text)))",
                field: name)
        }
        return text
    }

    /// Fails with `missing-field` when `value` is nil.
    func required<Value>(_ value: Value?, _ name: String, _ what: String) throws(ControlError) -> Value {
        guard let value else {
            throw ControlError(.missingField, "\(command.rawValue) needs \(name) (\(what))", field: name)
        }
        return value
    }

    static func list(_ names: [String]) -> String {
        names.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}

/// The values a numeric argument accepts, with how to say so in a message.
struct NumberRange: Sendable {
    var text: String
    var contains: @Sendable (Double) -> Bool

    static let positive = NumberRange(text: "> 0") { $0 > 0 }
    static let nonNegative = NumberRange(text: "≥ 0") { $0 >= 0 }
    static let openUnitInterval = NumberRange(text: "between 0 and 1 (exclusive)") { $0 > 0 && $0 < 1 }
}
