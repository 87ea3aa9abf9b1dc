// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Hamlet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hamlet", targets: ["hamlet"]),
        .library(name: "HamiltonianLearning", targets: ["HamiltonianLearning"]),
        .library(name: "SafeTensors", targets: ["SafeTensors"]),
        .library(name: "StreamFeatures", targets: ["StreamFeatures"]),
        .library(name: "AudioCapture", targets: ["AudioCapture"]),
        .library(name: "DriftDetection", targets: ["DriftDetection"]),
        .library(name: "MQTTTransport", targets: ["MQTTTransport"]),
        .library(name: "VectorStream", targets: ["VectorStream"]),
        .library(name: "LearningPipeline", targets: ["LearningPipeline"]),
        .library(name: "HamletAgent", targets: ["HamletAgent"]),
        .library(name: "AgentSettings", targets: ["AgentSettings"]),
        .library(name: "ControlPlane", targets: ["ControlPlane"]),
        .library(name: "ServiceSupport", targets: ["ServiceSupport"]),
        .library(name: "ThreadScheduling", targets: ["ThreadScheduling"]),
        .library(name: "CAllocationCounter", targets: ["CAllocationCounter"]),
    ],
    dependencies: [
        // Generic elementary functions (exp, tanh, erf) over Float and Double for the numeric core.
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // YAML for `hamlet run --config` (issue 6): a maintained parser with line and column in its errors.
        // One logger with levels for every target (issue 13); our handler adds journald's priorities.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // SplitMix64, the one seedable generator behind initial weights, synthetic streams and test data.
        .target(name: "SeededRandom"),
        .target(
            name: "HamiltonianLearning",
            dependencies: ["SeededRandom", .product(name: "RealModule", package: "swift-numerics")]
        ),
        // Test and benchmark support: counts the calling thread's heap allocations.
        .target(name: "CAllocationCounter"),
        // JSON string literals and number text, spelled one way for every JSON Hamlet writes by hand.
        .target(name: "JSONText"),
        // Crash-safe file replacement and the POSIX steps under it (fsync, rename, directory fsync), errno kept.
        .target(name: "DurableFiles"),
        .target(name: "SafeTensors", dependencies: ["JSONText", "DurableFiles"]),
        // kissfft's .pc file carries -D flags that SwiftPM drops with a warning; the module map links it.
        .systemLibrary(name: "CKissFFT", providers: [.apt(["libkissfft-dev"])]),
        // VectorStream: a sensor payload's time field is read with the same timestamp grammar as a file's time column.
        .target(name: "StreamFeatures", dependencies: ["CKissFFT", "VectorStream"]),
        // The audio libraries: headers only, no pkg-config (its --libs would link them); AudioCapture
        // dlopens them when an audio source starts, so other runs do not map them (docs/footprint.md).
        .systemLibrary(name: "CALSA", providers: [.apt(["libasound2-dev"])]),
        // Debian's libyaml: the configuration reader composes its settings from the event parser.
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CSndFile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSampleRate", providers: [.apt(["libsamplerate0-dev"])]),
        // The bottom of the stack: the monotonic clock, Duration's parts, a joinable named thread, a
        // condition lock and retry back-off, one of each for every target above.
        .target(name: "CThreadName"),
        .target(name: "SystemPrimitives", dependencies: ["CThreadName"]),
        // The agent's threads as a SCHED_BATCH job.
        .target(name: "ThreadScheduling"),
        .target(name: "AudioCapture", dependencies: ["CALSA", "CSndFile", "CSampleRate", "SeededRandom", "SystemPrimitives", .product(name: "Logging", package: "swift-log")]),
        .target(name: "DriftDetection", dependencies: ["SeededRandom"]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .target(name: "MQTTTransport", dependencies: ["CMosquitto", "SystemPrimitives", "DurableFiles", .product(name: "Logging", package: "swift-log")]),
        .target(name: "VectorStream"),
        // `hamlet plot`: a run's JSON lines, its input CSV and NAB labels drawn as one SVG, with our own small SVG writer.
        .target(name: "RunPlot", dependencies: ["VectorStream", "JSONText", "SystemPrimitives"]),
        // `hamlet run`'s configuration: YAML file, environment and control-plane overrides, validated
        // (DriftDetection: `drift.score` is the forecast score's own settings type, defaults and all).
        .target(
            name: "AgentSettings",
            dependencies: [
                "HamiltonianLearning", "StreamFeatures", "DriftDetection", "JSONText", "DurableFiles", "CLibYAML",
            ]
        ),
        // The MQTT control protocol: requests parsed and validated, replies routed (v5 or 3.1.1).
        .target(name: "ControlPlane", dependencies: ["MQTTTransport", "JSONText"]),
        // systemd notify, two-generation checkpoints, metrics text; no third-party dependencies.
        .target(name: "ServiceSupport", dependencies: ["JSONText", "DurableFiles", "SystemPrimitives", .product(name: "Logging", package: "swift-log")]),
        // The learning pipeline: records from a source, the learner, scoring and drift, checkpoints
        // of the learner, typed outputs to sinks. No MQTT, audio, control plane or service here.
        .target(
            name: "LearningPipeline",
            dependencies: [
                "HamiltonianLearning", "SafeTensors", "VectorStream", "StreamFeatures", "DriftDetection", "AgentSettings",
                "ServiceSupport", "JSONText", "SystemPrimitives",
                .product(name: "RealModule", package: "swift-numerics"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The agent service around the pipeline: assembly from the settings, the runtime and its
        // control plane, the MQTT link and sinks, the audio and MQTT sources, pipeline stages.
        .target(
            name: "HamletAgent",
            dependencies: [
                "LearningPipeline", "HamiltonianLearning", "SafeTensors", "VectorStream", "AudioCapture", "StreamFeatures", "DriftDetection",
                "MQTTTransport", "AgentSettings", "ControlPlane", "ServiceSupport", "JSONText", "ThreadScheduling", "SystemPrimitives", "DurableFiles",
                .product(name: "RealModule", package: "swift-numerics"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "hamlet",
            dependencies: [
                "HamletAgent", "LearningPipeline", "AgentSettings", "AudioCapture", "ThreadScheduling", "RunPlot", "ServiceSupport", "MQTTTransport",
                "DriftDetection", "HamiltonianLearning", "SafeTensors", "StreamFeatures", "VectorStream", "DurableFiles", "SystemPrimitives", "JSONText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HamiltonianLearningTests",
            dependencies: [
                "HamiltonianLearning", "CAllocationCounter", .product(name: "RealModule", package: "swift-numerics"),
            ],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors"], resources: [.copy("Fixtures")]),
        .testTarget(name: "VectorStreamTests", dependencies: ["VectorStream", "SeededRandom"]),
        // WAVWriterTests read the files back with libsndfile itself, linked (AudioCapture dlopens it).
        .testTarget(
            name: "AudioCaptureTests", dependencies: ["AudioCapture", "TestSupport", "SystemPrimitives"],
            linkerSettings: [.linkedLibrary("sndfile")]),
        // Test support shared by the test targets: child processes with an empty signal mask, a real mosquitto.
        .target(name: "TestSupport", dependencies: ["MQTTTransport", .product(name: "Logging", package: "swift-log")], path: "Tests/TestSupport"),
        .testTarget(name: "MQTTTransportTests", dependencies: ["MQTTTransport", "TestSupport", "SystemPrimitives", "DurableFiles"]),
        .testTarget(name: "SystemPrimitivesTests", dependencies: ["SystemPrimitives", "CThreadName"]),
        .testTarget(name: "ThreadSchedulingTests", dependencies: ["ThreadScheduling"]),
        .testTarget(
            name: "DriftDetectionTests", dependencies: ["DriftDetection", "SeededRandom", "CAllocationCounter"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "StreamFeaturesTests", dependencies: ["StreamFeatures", "SeededRandom", "CAllocationCounter"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AgentSettingsTests", dependencies: ["AgentSettings", "DurableFiles", "DriftDetection"]),
        .testTarget(name: "ControlPlaneTests", dependencies: ["ControlPlane", "MQTTTransport", "JSONText", "SeededRandom"]),
        .testTarget(
            name: "ServiceSupportTests",
            dependencies: ["ServiceSupport", "SafeTensors", "DurableFiles", "CAllocationCounter", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "RunPlotTests", dependencies: ["RunPlot", "hamlet", "TestSupport"]),
        .testTarget(
            name: "HamletAgentTests", dependencies: ["HamletAgent", "LearningPipeline", "hamlet", "MQTTTransport", "TestSupport", "SeededRandom", "SafeTensors", "HamiltonianLearning", "AgentSettings", "CAllocationCounter"],
            resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
