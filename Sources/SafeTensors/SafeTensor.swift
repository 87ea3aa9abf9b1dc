/// One tensor: its element type, row-major shape, and elements as little-endian bytes.
public struct SafeTensor: Sendable, Equatable {
    public var dtype: SafeTensorsDType
    public var shape: [Int]
    public var bytes: [UInt8]

    /// Wraps raw little-endian bytes; traps unless `bytes.count` is the shape's element count × `dtype.byteCount`.
    public init(dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8]) {
        let needed = Self.byteCount(dtype: dtype, shape: shape)
        precondition(needed == bytes.count,
                     "SafeTensor: shape \(shape) of \(dtype.rawValue) needs \(needed.map(String.init) ?? "an impossible number of") bytes, got \(bytes.count)")
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// An F32 tensor; traps unless `values.count` equals the shape's element count.
    public init(_ values: [Float], shape: [Int]) {
        self.init(dtype: .f32, shape: shape, bytes: Self.littleEndianBytes(values.map(\.bitPattern)))
    }

    /// An F64 tensor; traps unless `values.count` equals the shape's element count.
    public init(_ values: [Double], shape: [Int]) {
        self.init(dtype: .f64, shape: shape, bytes: Self.littleEndianBytes(values.map(\.bitPattern)))
    }

    /// An I64 tensor; traps unless `values.count` equals the shape's element count.
    public init(_ values: [Int64], shape: [Int]) {
        self.init(dtype: .i64, shape: shape, bytes: Self.littleEndianBytes(values))
    }

    /// An I32 tensor; traps unless `values.count` equals the shape's element count.
    public init(_ values: [Int32], shape: [Int]) {
        self.init(dtype: .i32, shape: shape, bytes: Self.littleEndianBytes(values))
    }

    /// A U8 tensor; traps unless `values.count` equals the shape's element count.
    public init(_ values: [UInt8], shape: [Int]) {
        self.init(dtype: .u8, shape: shape, bytes: values)
    }

    /// The elements of an F32 tensor; throws `dtypeMismatch` for any other dtype.
    public func floats() throws(SafeTensorsError) -> [Float] {
        try elements(UInt32.self, as: .f32).map(Float.init(bitPattern:))
    }

    /// The elements of an F64 tensor; throws `dtypeMismatch` for any other dtype.
    public func doubles() throws(SafeTensorsError) -> [Double] {
        try elements(UInt64.self, as: .f64).map(Double.init(bitPattern:))
    }

    /// The elements of an I64 tensor; throws `dtypeMismatch` for any other dtype.
    public func int64s() throws(SafeTensorsError) -> [Int64] {
        try elements(Int64.self, as: .i64)
    }

    /// The elements of an I32 tensor; throws `dtypeMismatch` for any other dtype.
    public func int32s() throws(SafeTensorsError) -> [Int32] {
        try elements(Int32.self, as: .i32)
    }

    /// The elements of a U8 tensor; throws `dtypeMismatch` for any other dtype.
    public func uint8s() throws(SafeTensorsError) -> [UInt8] {
        try elements(UInt8.self, as: .u8)
    }

    /// Product of `shape` (1 for a scalar), or nil if a dimension is negative or the product overflows.
    static func elementCount(of shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// Bytes a tensor of this dtype and shape occupies, or nil if the shape is invalid or too large.
    static func byteCount(dtype: SafeTensorsDType, shape: [Int]) -> Int? {
        guard let count = elementCount(of: shape) else { return nil }
        let (total, overflow) = count.multipliedReportingOverflow(by: dtype.byteCount)
        return overflow ? nil : total
    }

    private static func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values {
            withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    private func elements<T: FixedWidthInteger>(_: T.Type, as expected: SafeTensorsDType) throws(SafeTensorsError) -> [T] {
        guard dtype == expected else { throw .dtypeMismatch(requested: expected, actual: dtype) }
        let size = MemoryLayout<T>.size
        // Data offsets need not be aligned to the element size, so load unaligned.
        return bytes.withUnsafeBytes { raw in
            (0..<raw.count / size).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
    }
}
