import Foundation

/// Checks JSON texts against the control schemas in `schemas/` with Python's `jsonschema`
/// (an independent validator), one verdict per text.
enum SchemaValidator: String {
    case request = "control-request"
    case reply = "control-reply"

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    // Reads every text before answering, so one pipe each way cannot deadlock.
    private static let script = """
        import json, sys
        import jsonschema
        validator = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
        verdicts = []
        for line in sys.stdin.buffer.read().decode("utf-8").split("\\n"):
            try:
                document = json.loads(line)
            except ValueError as error:
                verdicts.append("unparsable: " + str(error))
                continue
            error = jsonschema.exceptions.best_match(validator.iter_errors(document))
            verdicts.append("valid" if error is None else "invalid: " + error.message)
        sys.stdout.buffer.write("\\n".join(verdicts).encode("utf-8"))
        """

    /// For each text (one line of JSON each): nil when valid, else the validator's reason.
    func problems(in texts: [String]) throws -> [String?] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", Self.script,
            Self.repository.appendingPathComponent("schemas/\(rawValue).schema.json").path,
        ]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(texts.joined(separator: "\n").utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidatorFailure(status: process.terminationStatus) }
        let verdicts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard verdicts.count == texts.count else { throw ValidatorFailure(status: -1) }
        return verdicts.map { $0 == "valid" ? nil : $0 }
    }
}

struct ValidatorFailure: Error {
    var status: Int32
}
