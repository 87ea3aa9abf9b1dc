import FuzzSupport
import HamletAgent

/// StageMessage(payload:) either refuses the bytes or returns a message that encodes back to
/// exactly those bytes: the format has one spelling, so anything else accepted would be a
/// damaged message slipping through (docs/stages.md).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStageMessage(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = fuzzBytes(data, count)
    let message: StageMessage
    do {
        message = try StageMessage(payload: bytes)
    } catch {
        fuzzCheck(!error.description.isEmpty, "a refusal without a reason")
        return 0
    }
    fuzzCheck(message.values.count <= StageMessage.maximumCount, "\(message.values.count) values decoded")
    fuzzCheck(message.values.allSatisfy(\.isFinite), "a non-finite value was accepted")
    let encoded = message.payload
    fuzzCheck(encoded == bytes, "accepted \(bytes.count) bytes that encode back differently (\(encoded.count) bytes)")
    fuzzCheck((try? StageMessage(payload: encoded)) == message, "the re-encoded message does not decode to itself")
    return 0
}
