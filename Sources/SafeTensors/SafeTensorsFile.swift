import DurableFiles

/// The contents of a safetensors file: named tensors plus string-to-string metadata.
public struct SafeTensorsFile: Sendable, Equatable {
    public var tensors: [String: SafeTensor]
    public var metadata: [String: String]

    /// Holds the given tensors and metadata; no tensor may be named "__metadata__".
    public init(tensors: [String: SafeTensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Decodes a whole safetensors file, rejecting anything the format does not allow.
    public init(bytes: [UInt8]) throws(SafeTensorsError) {
        guard bytes.count >= 8 else { throw .fileTooShort(byteCount: bytes.count) }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(SafeTensorsHeader.maxLength) else {
            throw .headerTooLarge(headerLength: headerLength, limit: SafeTensorsHeader.maxLength)
        }
        let dataStart = 8 + Int(headerLength)
        guard dataStart <= bytes.count else { throw .headerBeyondFile(headerLength: headerLength, fileSize: bytes.count) }

        let header = try SafeTensorsHeader(json: bytes[8..<dataStart], bufferSize: bytes.count - dataStart)
        var tensors: [String: SafeTensor] = [:]
        for entry in header.entries {
            let data = Array(bytes[(dataStart + entry.begin)..<(dataStart + entry.end)])
            tensors[entry.name] = SafeTensor(dtype: entry.dtype, shape: entry.shape, bytes: data)
        }
        self.init(tensors: tensors, metadata: header.metadata)
    }

    /// Reads and decodes the safetensors file at `path`.
    public static func read(path: String) throws(SafeTensorsError) -> SafeTensorsFile {
        try SafeTensorsFile(bytes: FileReader.readAll(path: path))
    }

    /// The file's bytes: the same for equal values, data 8-aligned, tensors ordered by element
    /// size (largest first) and then UTF-8 name, as Python's writer does, so that every tensor
    /// starts aligned to its element size and can be mapped without a copy.
    public func serialized() -> [UInt8] {
        let names = tensors.keys.sorted { a, b in
            let (sizeA, sizeB) = (tensors[a]!.dtype.byteCount, tensors[b]!.dtype.byteCount)
            return sizeA != sizeB ? sizeA > sizeB : SafeTensorsHeader.utf8Precedes(a, b)
        }
        var entries: [SafeTensorsHeaderEntry] = []
        var offset = 0
        for name in names {
            guard let tensor = tensors[name] else { continue }
            precondition(name != SafeTensorsHeader.metadataKey, "SafeTensorsFile: \"__metadata__\" is reserved and cannot name a tensor")
            // The properties are public and mutable, so the init's check may no longer hold.
            precondition(SafeTensor.byteCount(dtype: tensor.dtype, shape: tensor.shape) == tensor.bytes.count,
                         "SafeTensorsFile: tensor \"\(name)\" has \(tensor.bytes.count) bytes, which does not fit shape \(tensor.shape) of \(tensor.dtype.rawValue)")
            entries.append(SafeTensorsHeaderEntry(name: name, dtype: tensor.dtype, shape: tensor.shape,
                                                  begin: offset, end: offset + tensor.bytes.count))
            offset += tensor.bytes.count
        }
        let header = SafeTensorsHeader.encode(entries: entries, metadata: metadata)

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for name in names {
            bytes.append(contentsOf: tensors[name]?.bytes ?? [])
        }
        return bytes
    }

    /// Replaces `path` atomically and durably: readers see the old file or the new one, never a mix.
    public func write(to path: String) throws(SafeTensorsError) {
        do throws(FileOperationError) {
            try DurableFiles.replace(path, with: serialized())
        } catch {
            throw .writeFailed(path: path, step: "\(error.operation) \"\(error.path)\"", reason: errnoDescription(error.code))
        }
    }
}
