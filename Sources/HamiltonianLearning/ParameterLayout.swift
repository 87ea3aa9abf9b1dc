/// Names, shapes and offsets of a model's parameters inside one flat buffer.
///
/// Every weight lives in a single contiguous vector θ so that the Hamiltonian integrator,
/// the costate ω and the checkpoint code treat all layers alike.
public struct ParameterLayout: Sendable, Equatable {
    /// One named tensor: `count` scalars starting at `offset`, row-major in `shape`.
    public struct Tensor: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
        public var range: Range<Int> { offset..<(offset + count) }
    }

    public private(set) var tensors: [Tensor] = []
    public private(set) var count = 0

    public init() {}

    /// Appends a tensor and returns its offset.
    @discardableResult
    public mutating func add(_ name: String, shape: [Int]) -> Int {
        precondition(tensors.allSatisfy { $0.name != name }, "duplicate parameter \(name)")
        let tensor = Tensor(name: name, shape: shape, offset: count)
        tensors.append(tensor)
        count += tensor.count
        return tensor.offset
    }

    public func tensor(named name: String) -> Tensor? {
        tensors.first { $0.name == name }
    }
}
