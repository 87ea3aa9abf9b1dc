import FuzzSupport
import StreamFeatures

/// The MQTT sensor payload parser in each format. The first input byte picks the format and the
/// parser's options, the rest is the payload; small limits so the fuzzer reaches them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSensorPayload(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = fuzzBytes(data, count)
    guard let selector = bytes.first else { return 0 }
    let payload = Array(bytes.dropFirst())
    let formats: [SensorPayloadFormat] = [.json, .csv, .float32LittleEndian]
    let format = formats[Int(selector % 3)]
    let parser = SensorPayloadParser(
        format: format,
        timestampField: selector & 0x04 != 0 ? "ts" : nil,
        timeField: selector & 0x08 != 0 ? "t" : nil,
        timestampUnit: selector & 0x10 != 0 ? .milliseconds : .seconds,
        maximumPayloadBytes: selector & 0x20 != 0 ? 64 : 65_536,
        maximumValues: selector & 0x40 != 0 ? 4 : 1_024)
    let topic = "sensors/fuzz"
    let reading: SensorReading
    do {
        reading = try parser.parse(payload, topic: topic)
    } catch {
        fuzzCheck(error.topic == topic, "the error names topic \(error.topic)")
        fuzzCheck(!error.description.isEmpty, "an error without a description")
        return 0
    }
    fuzzCheck(!payload.isEmpty && payload.count <= parser.maximumPayloadBytes, "accepted a payload of \(payload.count) bytes")
    fuzzCheck(reading.values.count <= parser.maximumValues, "\(reading.values.count) values > limit \(parser.maximumValues)")
    fuzzCheck(reading.values.allSatisfy(\.isFinite), "a non-finite value was accepted: \(reading.values)")
    fuzzCheck(reading.fieldNames.isEmpty || reading.fieldNames.count == reading.values.count, "names and values differ in count")
    fuzzCheck(reading.timestamp?.isFinite ?? true, "timestamp \(String(describing: reading.timestamp))")
    fuzzCheck(reading.time?.isFinite ?? true, "time \(String(describing: reading.time))")
    switch format {
    case .float32LittleEndian:
        // Packed floats are taken bit for bit.
        let expected: [UInt32] = stride(from: 0, to: payload.count, by: 4).map { i in
            (0..<4).reduce(UInt32(0)) { bits, k in bits | UInt32(payload[i + k]) << (8 * k) }
        }
        fuzzCheck(reading.values.map(\.bitPattern) == expected, "float32 values are not the payload's bits")
    case .csv:
        // One value per comma-separated field.
        let fields = payload.filter { $0 == UInt8(ascii: ",") }.count + 1
        fuzzCheck(reading.values.count == fields, "\(reading.values.count) values from \(fields) CSV fields")
    case .json:
        break
    }
    return 0
}
