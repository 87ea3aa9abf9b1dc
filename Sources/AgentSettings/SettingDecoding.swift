/// Turns a layer's raw value into a typed setting value, with a message naming what was expected.
enum SettingDecoding {
    static func text(_ input: SettingInput) -> Result<String, SettingProblems> {
        guard let text = input.scalarText else {
            return .failure(SettingProblems(line: input.line, "must be text, got \(input.shownValue)"))
        }
        return .success(text)
    }

    static func bool(_ input: SettingInput) -> Result<Bool, SettingProblems> {
        guard case .bool(let value) = input.value else {
            return .failure(SettingProblems(line: input.line, "must be true or false, got \(input.shownValue)"))
        }
        return .success(value)
    }

    static func integer<T: FixedWidthInteger>(_ input: SettingInput) -> Result<T, SettingProblems> {
        let whole: Int?
        switch input.value {
        case .integer(let value): whole = value
        // 1e6 is a whole number too; 1.5 is not.
        case .number(let value) where value.isFinite && value.rounded() == value: whole = Int(exactly: value)
        default:
            return .failure(SettingProblems(line: input.line, "must be a whole number, got \(input.shownValue)"))
        }
        guard let whole, let value = T(exactly: whole) else {
            return .failure(
                SettingProblems(line: input.line, "must be a whole number from \(T.min) to \(T.max), got \(input.shownValue)"))
        }
        return .success(value)
    }

    static func number(_ input: SettingInput) -> Result<Double, SettingProblems> {
        switch input.value {
        case .integer(let value): .success(Double(value))
        case .number(let value): .success(value)
        default: .failure(SettingProblems(line: input.line, "must be a number, got \(input.shownValue)"))
        }
    }

    static func choice<E: RawRepresentable & CaseIterable>(_ input: SettingInput) -> Result<E, SettingProblems>
    where E.RawValue == String {
        let names = E.allCases.map(\.rawValue)
        if let text = input.scalarText, let value = E(rawValue: text) { return .success(value) }
        var message = "must be one of \(names.joined(separator: ", ")), got \(input.shownValue)"
        if let text = input.scalarText, let near = NearestName.suggestion(for: text, among: names) {
            message += "; did you mean \(near)?"
        }
        return .failure(SettingProblems(line: input.line, message))
    }

    /// A list read item by item; every bad item is reported, with `[index]` in its key path.
    /// An empty value (`key:` with nothing after it) is the empty list.
    /// A list longer than `maximumCount` is refused before any item is read.
    static func list<T>(
        _ input: SettingInput, maximumCount: Int, item: (SettingInput) -> Result<T, SettingProblems>
    ) -> Result<[T], SettingProblems> {
        if case .null = input.value { return .success([]) }
        guard case .list(let items) = input.value else {
            return .failure(SettingProblems(line: input.line, "must be a list such as [a, b], got \(input.shownValue)"))
        }
        guard items.count <= maximumCount else {
            return .failure(SettingProblems(line: input.line, "has \(items.count) items; at most \(maximumCount) are allowed"))
        }
        var values: [T] = []
        var problems: [SettingProblem] = []
        for (index, element) in items.enumerated() {
            switch item(element) {
            case .success(let value): values.append(value)
            case .failure(let failure):
                problems += failure.problems.map { problem in
                    var problem = problem
                    problem.suffix = "[\(index)]" + problem.suffix
                    return problem
                }
            }
        }
        return problems.isEmpty ? .success(values) : .failure(SettingProblems(problems))
    }
}
