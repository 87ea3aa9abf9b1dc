import Testing

@testable import ControlPlane

@Suite("Bad requests give an exact error code and field")
struct BadRequestTests {
    @Test(arguments: [
        // Not JSON, not an object.
        ("", ControlErrorCode.invalidJSON, String?.none),
        ("   ", .invalidJSON, nil),
        ("{", .invalidJSON, nil),
        ("{command: pause}", .invalidJSON, nil),
        (#"{"command": "pause",}"#, .invalidJSON, nil),
        (#"{"command": "pause"} {}"#, .invalidJSON, nil),
        (#"{"command": 'pause'}"#, .invalidJSON, nil),
        (#"{"command": "pause", "x": 01}"#, .invalidJSON, nil),
        (#"{"command": "pause", "x": "\ud800"}"#, .invalidJSON, nil),
        ("{\"command\": \"pa\tuse\"}", .invalidJSON, nil),
        (#"{"command": "pause", "command": "resume"}"#, .invalidJSON, "command"),
        (String(repeating: "[", count: 40) + String(repeating: "]", count: 40), .invalidJSON, nil),
        ("[]", .notAnObject, nil),
        (#""pause""#, .notAnObject, nil),
        ("42", .notAnObject, nil),
        ("null", .notAnObject, nil),
        // The command.
        ("{}", .missingField, "command"),
        (#"{"id": 1}"#, .missingField, "command"),
        (#"{"command": 3}"#, .wrongType, "command"),
        (#"{"command": null}"#, .wrongType, "command"),
        (#"{"command": "reboot"}"#, .unknownCommand, "command"),
        (#"{"command": "Pause"}"#, .unknownCommand, "command"),
        (#"{"command": "pause", "id": true}"#, .wrongType, "id"),
        (#"{"command": "pause", "id": null}"#, .wrongType, "id"),
        (#"{"command": "pause", "id": 1e999}"#, .outOfRange, "id"),
        // Arguments.
        (#"{"command": "pause", "force": true}"#, .unknownField, "force"),
        (#"{"command": "get-config", "section": "learning"}"#, .unknownField, "section"),
        (#"{"command": "set-learning"}"#, .missingField, nil),
        (#"{"command": "set-learning", "betta": 0.1}"#, .unknownField, "betta"),
        (#"{"command": "set-learning", "beta": "0.1"}"#, .wrongType, "beta"),
        (#"{"command": "set-learning", "beta": 0}"#, .outOfRange, "beta"),
        (#"{"command": "set-learning", "beta": -1}"#, .outOfRange, "beta"),
        (#"{"command": "set-learning", "beta": 1e999}"#, .outOfRange, "beta"),
        (#"{"command": "set-learning", "eta": -0.1}"#, .outOfRange, "eta"),
        (#"{"command": "set-learning", "phi": -1e-9}"#, .outOfRange, "phi"),
        (#"{"command": "set-learning", "tau": 0}"#, .outOfRange, "tau"),
        (#"{"command": "set-learning", "eta": null}"#, .wrongType, "eta"),
        (#"{"command": "set-learning", "gradient_mode": "adjoint"}"#, .outOfRange, "gradient_mode"),
        (#"{"command": "set-learning", "gradient_mode": 1}"#, .wrongType, "gradient_mode"),
        (#"{"command": "set-detector"}"#, .missingField, "detector"),
        (#"{"command": "set-detector", "threshold": 3}"#, .missingField, "detector"),
        (#"{"command": "set-detector", "detector": "kswin", "threshold": 3}"#, .outOfRange, "detector"),
        (#"{"command": "set-detector", "detector": ["cusum"]}"#, .wrongType, "detector"),
        (#"{"command": "set-detector", "detector": "cusum"}"#, .missingField, "threshold"),
        (#"{"command": "set-detector", "detector": "cusum", "threshold": 0}"#, .outOfRange, "threshold"),
        (#"{"command": "set-detector", "detector": "cusum", "threshold": "5"}"#, .wrongType, "threshold"),
        (#"{"command": "set-detector", "detector": "cusum", "delta": 0.1}"#, .unknownField, "delta"),
        (#"{"command": "set-detector", "detector": "cusum", "limit": 5}"#, .unknownField, "limit"),
        (#"{"command": "set-detector", "detector": "page-hinkley", "threshold": -2}"#, .outOfRange, "threshold"),
        (#"{"command": "set-detector", "detector": "anomaly-score", "threshold": 1}"#, .outOfRange, "threshold"),
        (#"{"command": "set-detector", "detector": "anomaly-score", "threshold": 0}"#, .outOfRange, "threshold"),
        (#"{"command": "set-detector", "detector": "adwin"}"#, .missingField, "delta"),
        (#"{"command": "set-detector", "detector": "adwin", "threshold": 0.002}"#, .unknownField, "threshold"),
        (#"{"command": "set-detector", "detector": "adwin", "delta": 1}"#, .outOfRange, "delta"),
        (#"{"command": "set-prediction-rate"}"#, .missingField, nil),
        (#"{"command": "set-prediction-rate", "every": 0}"#, .outOfRange, "every"),
        (#"{"command": "set-prediction-rate", "every": 3000000000}"#, .outOfRange, "every"),
        (#"{"command": "set-prediction-rate", "every": 2.5}"#, .wrongType, "every"),
        (#"{"command": "set-prediction-rate", "every": "2"}"#, .wrongType, "every"),
        (#"{"command": "set-prediction-rate", "max_rate_hz": -1}"#, .outOfRange, "max_rate_hz"),
        (#"{"command": "set-prediction-rate", "rate": 1}"#, .unknownField, "rate"),
    ])
    func rejects(text: String, code: ControlErrorCode, field: String?) throws {
        let rejection = try #require(rejected(text))
        #expect(rejection.error.code == code, "\(text): \(rejection.error.message)")
        #expect(rejection.error.field == field, "\(text): \(rejection.error.message)")
        #expect(!rejection.error.message.isEmpty)
    }

    @Test func nonUTF8IsInvalidJSON() throws {
        for bytes: [UInt8] in [
            [0x7B, 0xFF, 0x7D], Array(#"{"command": "pau"#.utf8) + [0xC3, 0x28] + Array(#"se"}"#.utf8),
        ] {
            let parsed = parser.parse(MQTTMessageFixture.bytes(bytes))
            let rejection = try #require(try? parsed.failureValue)
            #expect(rejection.error.code == .invalidJSON)
            #expect(rejection.error.message.contains("UTF-8"))
        }
    }

    @Test func oversizedPayloadIsTooLargeEvenWhenValid() throws {
        let padding = String(repeating: " ", count: ControlRequestParser.maximumPayloadBytes)
        let rejection = try #require(rejected(#"{"id": 5, "command": "pause"}"# + padding))
        #expect(rejection.error.code == .tooLarge)
        #expect(rejection.id == nil, "an oversized payload is not read")
        let fits = #"{"command": "pause"}"#
        #expect(
            command(fits + String(repeating: " ", count: ControlRequestParser.maximumPayloadBytes - fits.utf8.count))
                == .pause)
    }

    @Test func retainedRequestIsRejectedWithItsId() throws {
        let parsed = parser.parse(message(#"{"id": "r1", "command": "reset-model"}"#, retain: true))
        let rejection = try #require(try? parsed.failureValue)
        #expect(rejection.error.code == .rejected)
        #expect(rejection.id == .string("r1"))
        #expect(rejection.command == .resetModel)
        #expect(rejection.error.message.contains("mosquitto_pub -r -n -t hamlet/pump-7/control"))
    }

    @Test func messagesSayWhatToFix() throws {
        #expect(
            rejected(#"{"command": "set-learning", "beta": -1}"#)?.error.message
                == "beta must be a finite number > 0 (got -1)")
        #expect(
            rejected(#"{"command": "pause", "force": true}"#)?.error.message
                == #"unknown field "force": pause takes no arguments; remove it"#)
        #expect(
            rejected(#"{"command": "reboot"}"#)?.error.message
                == #"unknown command "reboot"; use one of "get-config", "get-status", "set-learning", "pause", "resume", "reset-model", "reset-costates", "checkpoint", "set-detector", "set-prediction-rate""#
        )
        #expect(
            rejected(#"{"command": "pause",}"#)?.error.message
                == "invalid JSON at byte 20: unexpected '}'; expected a field name in double quotes")
    }
}

extension Result {
    /// The failure, or a thrown success (so `try?` gives nil when it succeeded).
    var failureValue: Failure {
        get throws {
            switch self {
            case .success: throw UnexpectedSuccess()
            case .failure(let failure): return failure
            }
        }
    }
}

struct UnexpectedSuccess: Error {}

@Suite("Hostile requests keep their replies small")
struct HostileRequestTests {
    @Test func longNamesAreCutInMessages() throws {
        let long = String(repeating: "x", count: 5_000)
        for text in [
            #"{"command": "\#(long)"}"#, #"{"command": "pause", "\#(long)": 1}"#,
            #"{"command": "set-detector", "detector": "\#(long)", "threshold": 1}"#,
            #"{"command": "pause", "\#(long)": 1, "\#(long)": 2}"#,
        ] {
            let rejection = try #require(rejected(text))
            #expect(rejection.error.message.count < 400, "\(rejection.error.code)")
            #expect(rejection.error.message.contains(String(repeating: "x", count: 64) + "…"))
        }
    }
}
