import Foundation

/// Checks payloads against the JSON Schemas in `schemas/` with Python's `jsonschema`
/// (an independent validator), through `Scripts/validate_payloads.py`.
enum PayloadSchema: String {
    case prediction, alert, errors, metrics
    case controlReply = "control-reply"
    case stageMetrics = "stage-metrics"

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The validator's verdict: nil when every payload is valid, else what it printed.
    func problems(in payloads: [String]) throws -> String? {
        let directory = try TemporaryDirectory()
        let file = try directory.write("payloads.jsonl", payloads.joined(separator: "\n") + "\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Self.repository.appendingPathComponent("Scripts/validate_payloads.py").path,
            Self.repository.appendingPathComponent("schemas/\(rawValue).schema.json").path, file,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : text
    }
}
