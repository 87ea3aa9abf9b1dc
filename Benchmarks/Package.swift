// swift-tools-version: 6.1
// Benchmarks for the HamiltonianLearning target: speed and allocations (hamlet-bench) and
// learning quality (hamlet-quality). A nested package so the root package stays dependency-light.
//
//   swift build -c release --package-path Benchmarks --scratch-path Benchmarks/.build
//   Benchmarks/.build/release/hamlet-bench [--json]
//   Benchmarks/.build/release/hamlet-bench memory --steps 10000000
//   Benchmarks/.build/release/hamlet-quality
//   Benchmarks/.build/release/hamlet-mqtt-bench   (needs mosquitto installed)
import Foundation
import PackageDescription

// A `.package(path:)` dependency is identified by its folder's name, not by the manifest's
// `name: "Hamlet"`; the checkout folder differs between machines (and CI), so derive it.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
let hamiltonianLearning = Target.Dependency.product(name: "HamiltonianLearning", package: root)
let streamFeatures = Target.Dependency.product(name: "StreamFeatures", package: root)
let audioCapture = Target.Dependency.product(name: "AudioCapture", package: root)
let driftDetection = Target.Dependency.product(name: "DriftDetection", package: root)
let hamletAgent = Target.Dependency.product(name: "HamletAgent", package: root)
let learningPipeline = Target.Dependency.product(name: "LearningPipeline", package: root)
let mqttTransport = Target.Dependency.product(name: "MQTTTransport", package: root)
let threadScheduling = Target.Dependency.product(name: "ThreadScheduling", package: root)

let package = Package(
    name: "HamletBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hamlet-bench", targets: ["HamletBench"]),
        .executable(name: "hamlet-quality", targets: ["HamletQuality"]),
        .executable(name: "hamlet-audio-bench", targets: ["HamletAudioBench"]),
        .executable(name: "hamlet-drift-bench", targets: ["HamletDriftBench"]),
        .executable(name: "hamlet-mqtt-bench", targets: ["HamletMQTTBench"]),
    ],
    dependencies: [
        .package(path: ".."),
        // The agent's types take a swift-log Logger; the MQTT benchmark prints the agent's lines.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Replaces malloc & co. in the benchmark executable (Linux/glibc) to count allocations.
        .target(name: "MallocCounter"),
        .target(
            name: "BenchSupport",
            dependencies: [hamiltonianLearning]
        ),
        .executableTarget(
            name: "HamletBench",
            dependencies: ["BenchSupport", "MallocCounter", hamiltonianLearning]
        ),
        .executableTarget(
            name: "HamletAudioBench",
            dependencies: ["MallocCounter", hamiltonianLearning, streamFeatures, audioCapture]
        ),
        .executableTarget(name: "HamletDriftBench", dependencies: [driftDetection]),
        .executableTarget(
            name: "HamletMQTTBench",
            dependencies: [
                hamletAgent, learningPipeline, mqttTransport, streamFeatures, hamiltonianLearning, threadScheduling,
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "HamletQuality",
            dependencies: ["BenchSupport", hamiltonianLearning]
        ),
    ],
    swiftLanguageModes: [.v6]
)
