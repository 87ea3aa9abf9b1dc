/// A fixed-size, zero-initialised run of scalars allocated once at construction.
///
/// The hot loop works through `pointer`, so it pays for neither bounds checks nor
/// copy-on-write checks, and nothing it touches is ever reallocated.
public final class ScalarBuffer<Scalar: BinaryFloatingPoint> {
    public let pointer: UnsafeMutablePointer<Scalar>
    public let count: Int

    public init(count: Int) {
        precondition(count >= 0)
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    public convenience init(_ values: [Scalar]) {
        self.init(count: values.count)
        assign(values)
    }

    deinit { pointer.deallocate() }

    @inlinable
    public subscript(index: Int) -> Scalar {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    public var array: [Scalar] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public func assign(_ values: [Scalar]) {
        precondition(values.count == count, "expected \(count) values, got \(values.count)")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    @inlinable
    public func zero() { pointer.update(repeating: 0, count: count) }
}
