import JSONText

/// Where the header says one tensor's bytes lie in the data buffer.
struct SafeTensorsHeaderEntry: Equatable {
    var name: String
    var dtype: SafeTensorsDType
    var shape: [Int]
    var begin: Int
    var end: Int
}

/// A header checked against its data buffer: entries tile the buffer exactly, metadata is string to string.
struct SafeTensorsHeader {
    /// The reference implementation's limit; a larger length means a corrupt or hostile file.
    static let maxLength = 100_000_000
    static let metadataKey = "__metadata__"

    /// Entries in data-buffer order.
    var entries: [SafeTensorsHeaderEntry]
    var metadata: [String: String]

    /// Parses header JSON and checks every entry against a data buffer of `bufferSize` bytes.
    init(json: ArraySlice<UInt8>, bufferSize: Int) throws(SafeTensorsError) {
        guard String(validating: json, as: UTF8.self) != nil else { throw .headerNotUTF8 }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(Array(json), maximumDepth: 8)
        } catch {
            throw .headerNotJSON(reason: "\(error.message) at byte \(error.offset)")
        }
        guard let members = parsed.members else { throw .headerNotObject }

        metadata = try Self.metadata(parsed[Self.metadataKey])
        var entries: [SafeTensorsHeaderEntry] = []
        // Sorted so that a file with several faults always reports the same one.
        for member in members.sorted(by: { $0.key < $1.key }) where member.key != Self.metadataKey {
            entries.append(try Self.entry(named: member.key, member.value, bufferSize: bufferSize))
        }
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        try Self.checkTiling(entries, bufferSize: bufferSize)
        self.entries = entries
    }

    /// Compact JSON with keys in UTF-8 byte order, space-padded so the data buffer starts 8-aligned.
    static func encode(entries: [SafeTensorsHeaderEntry], metadata: [String: String]) -> [UInt8] {
        var members = entries.map { entry in
            let shape = entry.shape.map(String.init).joined(separator: ",")
            return (key: entry.name,
                    value: #"{"data_offsets":[\#(entry.begin),\#(entry.end)],"dtype":"\#(entry.dtype.rawValue)","shape":[\#(shape)]}"#)
        }
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted(by: utf8Precedes).map { JSONText.string($0) + ":" + JSONText.string(metadata[$0] ?? "") }
            members.append((key: metadataKey, value: "{" + pairs.joined(separator: ",") + "}"))
        }
        members.sort { utf8Precedes($0.key, $1.key) }
        var bytes = Array(("{" + members.map { JSONText.string($0.key) + ":" + $0.value }.joined(separator: ",") + "}").utf8)
        // The 8-byte length prefix is already aligned, so padding the JSON aligns the data.
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8))
        return bytes
    }

    /// Byte-wise order, independent of locale and Unicode normalisation, so output is reproducible.
    static func utf8Precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    private static func metadata(_ value: JSONValue?) throws(SafeTensorsError) -> [String: String] {
        guard let value, value != .null else { return [:] }
        guard let members = value.members else { throw .metadataNotObject }
        var metadata: [String: String] = [:]
        for member in members.sorted(by: { $0.key < $1.key }) {
            guard let text = member.value.string else { throw .metadataValueNotString(key: member.key) }
            metadata[member.key] = text
        }
        return metadata
    }

    private static func entry(named name: String, _ fields: JSONValue, bufferSize: Int) throws(SafeTensorsError) -> SafeTensorsHeaderEntry {
        guard fields.members != nil else { throw .tensorEntryNotObject(tensor: name) }

        guard let dtypeValue = fields["dtype"] else { throw .missingField(tensor: name, field: "dtype") }
        guard let dtypeName = dtypeValue.string else {
            throw .wrongFieldType(tensor: name, field: "dtype", expected: "a string such as \"F32\"")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else { throw .unknownDType(tensor: name, dtype: dtypeName) }

        guard let shapeValue = fields["shape"] else { throw .missingField(tensor: name, field: "shape") }
        guard let shape = integers(shapeValue) else {
            throw .wrongFieldType(tensor: name, field: "shape", expected: "an array of integers")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(tensor: name, shape: shape) }

        guard let offsetsValue = fields["data_offsets"] else { throw .missingField(tensor: name, field: "data_offsets") }
        guard let offsets = integers(offsetsValue), offsets.count == 2, offsets.allSatisfy({ $0 >= 0 }) else {
            throw .wrongFieldType(tensor: name, field: "data_offsets", expected: "two non-negative integers [begin, end]")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw .reversedOffsets(tensor: name, begin: begin, end: end) }
        guard end <= bufferSize else {
            throw .offsetsOutOfBuffer(tensor: name, begin: begin, end: end, bufferSize: bufferSize)
        }
        guard let needed = SafeTensor.byteCount(dtype: dtype, shape: shape) else {
            throw .shapeTooLarge(tensor: name, shape: shape)
        }
        guard needed == end - begin else {
            throw .byteCountMismatch(tensor: name, begin: begin, end: end, shape: shape, dtype: dtype)
        }
        return SafeTensorsHeaderEntry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    private static func checkTiling(_ entries: [SafeTensorsHeaderEntry], bufferSize: Int) throws(SafeTensorsError) {
        var cursor = 0
        var previous = ""
        for entry in entries {
            // Entries are sorted by begin, so an early begin can only collide with the one before.
            if entry.begin < cursor { throw .overlappingTensors(tensor: entry.name, other: previous) }
            if entry.begin > cursor { throw .gapBeforeTensor(tensor: entry.name, gapBegin: cursor, gapEnd: entry.begin) }
            cursor = entry.end
            previous = entry.name
        }
        if cursor < bufferSize { throw .trailingBytes(count: bufferSize - cursor, bufferSize: bufferSize) }
    }

    /// JSON integers only: a literal with a fraction or an exponent (`2.0`, `1e3`), a boolean or a
    /// number beyond Int is not one.
    private static func integers(_ value: JSONValue) -> [Int]? {
        guard let array = value.array else { return nil }
        var result: [Int] = []
        result.reserveCapacity(array.count)
        for element in array {
            guard case .number(let literal) = element, let whole = Int(literal) else { return nil }
            result.append(whole)
        }
        return result
    }
}
