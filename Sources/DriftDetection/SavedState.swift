/// The running state of a detector as a flat list of numbers, for checkpoints: each type appends
/// its fields in a fixed order and reads them back in the same order.
public struct SavedState: Sendable, Equatable {
    public private(set) var values: [Double] = []

    public init() {}

    public init(values: [Double]) { self.values = values }

    public mutating func append(_ value: Double) { values.append(value) }
    public mutating func append(_ value: Int) { values.append(Double(value)) }
    public mutating func append(_ value: Bool) { values.append(value ? 1 : 0) }
    public mutating func append(contentsOf array: [Double]) { values.append(contentsOf: array) }
}

/// A running state that goes into checkpoints: `save` appends its fields, `load` reads them back
/// in the same order (for the same settings, which are not saved).
public protocol SavedStateRepresentable {
    func save(to state: inout SavedState)
    mutating func load(from reader: inout SavedStateReader) throws(SavedStateError)
}

/// Why a saved state could not be read back.
public enum SavedStateError: Error, Equatable, CustomStringConvertible {
    /// It ended before every field was read: it was saved by another configuration.
    case truncated(needed: Int, left: Int)
    /// Numbers were left over: it was saved by another configuration.
    case trailing(count: Int)
    /// A field that must be a count held something else.
    case badCount(Double)
    /// It was saved with other settings, as named.
    case otherSettings(String)

    public var description: String {
        switch self {
        case .truncated(let needed, let left): "the saved state ends early (\(needed) numbers needed, \(left) left)"
        case .trailing(let count): "the saved state has \(count) numbers more than this configuration keeps"
        case .badCount(let value): "the saved state holds \(value) where a count belongs"
        case .otherSettings(let what): "the saved state was written with other settings (\(what))"
        }
    }
}

/// Reads a `SavedState` front to back.
public struct SavedStateReader {
    private let values: [Double]
    private var index = 0

    public init(_ state: SavedState) { values = state.values }

    public mutating func double() throws(SavedStateError) -> Double {
        guard index < values.count else { throw .truncated(needed: 1, left: 0) }
        index += 1
        return values[index - 1]
    }

    public mutating func int() throws(SavedStateError) -> Int {
        let value = try double()
        guard value.isFinite, value.rounded() == value, abs(value) < 9e15 else { throw .badCount(value) }
        return Int(value)
    }

    public mutating func bool() throws(SavedStateError) -> Bool { try double() != 0 }

    /// The next `count` numbers.
    public mutating func doubles(_ count: Int) throws(SavedStateError) -> [Double] {
        guard values.count - index >= count else { throw .truncated(needed: count, left: values.count - index) }
        index += count
        return Array(values[(index - count)..<index])
    }

    /// Checks that every number was read.
    public func finish() throws(SavedStateError) {
        if index != values.count { throw .trailing(count: values.count - index) }
    }
}
