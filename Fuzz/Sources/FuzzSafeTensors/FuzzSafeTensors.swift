import FuzzSupport
import SafeTensors

/// The safetensors reader: a file it accepts serialises to a file it reads back as the same
/// tensors and metadata, so a checkpoint written from what was read can always be loaded again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = fuzzBytes(data, count)
    let file: SafeTensorsFile
    do {
        file = try SafeTensorsFile(bytes: bytes)
    } catch {
        fuzzCheck(!error.description.isEmpty, "a refusal without a reason")
        return 0
    }
    let written = file.serialized()
    do {
        let again = try SafeTensorsFile(bytes: written)
        fuzzCheck(again == file, "the serialised file reads back differently")
    } catch {
        fuzzCheck(false, "an accepted file serialises to bytes the reader refuses: \(error)")
    }
    return 0
}
