import ControlPlane
import Foundation
import FuzzSupport
import MQTTTransport

/// The control request parser: every payload gets an answer (a request, or a rejection whose
/// reply is valid JSON echoing the id), no accepted command carries a non-finite number, and
/// nothing over the size cap is read. The first input byte's low bit sets the retain flag.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzControlRequest(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = fuzzBytes(data, count)
    guard let flags = bytes.first else { return 0 }
    let payload = Array(bytes.dropFirst())
    let parser = ControlRequestParser(topicPrefix: "hamlet/fuzz")
    let message = MQTTMessage(topic: parser.requestTopic, payload: payload, qos: .atLeastOnce, retain: flags & 1 != 0)
    switch parser.parse(message) {
    case .success(let request):
        fuzzCheck(flags & 1 == 0, "a retained request was accepted")
        fuzzCheck(payload.count <= ControlRequestParser.maximumPayloadBytes, "a \(payload.count)-byte request was accepted")
        checkFinite(request.command, path: "command")
        checkReply(ControlReply.ok(to: request), id: request.id)
    case .failure(let rejection):
        fuzzCheck(!rejection.error.message.isEmpty, "a rejection without a message")
        if payload.count > ControlRequestParser.maximumPayloadBytes {
            fuzzCheck(rejection.error.code == .tooLarge, "an oversized request was refused as \(rejection.error.code)")
        }
        checkReply(ControlReply.error(for: rejection), id: rejection.id)
    }
    return 0
}

/// A command is applied as it is; a NaN or infinity in it would reach the learner.
private func checkFinite(_ value: Any, path: String) {
    if let number = value as? Double { fuzzCheck(number.isFinite, "\(path) = \(number) was accepted") }
    if let number = value as? Float { fuzzCheck(number.isFinite, "\(path) = \(number) was accepted") }
    for (index, child) in Mirror(reflecting: value).children.enumerated() {
        checkFinite(child.value, path: "\(path).\(child.label ?? String(index))")
    }
}

/// The reply is what the client sees; it must parse and carry the request's id back.
private func checkReply(_ reply: ControlReply, id: ControlRequestID?) {
    let parsed = try? JSONSerialization.jsonObject(with: Data(reply.payload))
    guard let object = parsed as? [String: Any] else {
        fuzzCheck(false, "the reply is not a JSON object: \(reply.text)")
        return
    }
    switch id {
    case .string(let text)?: fuzzCheck(object["id"] as? String == text, "the reply does not echo id \(text): \(reply.text)")
    case .number(let number)?:
        // Foundation's JSON numbers round on Linux (1.2222222222222223e+89 came back different),
        // so read the id's own text, the reply's first member.
        let text = reply.text.dropFirst(#"{"id":"#.count).prefix { $0 != "," && $0 != "}" }
        fuzzCheck(reply.text.hasPrefix(#"{"id":"#) && Double(text) == number, "the reply does not echo id \(number): \(reply.text)")
    case nil: break
    }
}
