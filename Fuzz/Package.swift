// swift-tools-version: 6.1
// libFuzzer targets for Hamlet's parsers of untrusted input (issue 16). A nested package so the
// root's `swift build` and CI never see them; they only build with `--sanitize=fuzzer`:
//
//   Scripts/fuzz.sh TARGET SECONDS        (Scripts/fuzz.sh --help lists the targets)
import Foundation
import PackageDescription

// A `.package(path:)` dependency is identified by its folder's name, not by the manifest's
// `name: "Hamlet"`; the checkout folder differs between machines (and CI), so derive it.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
func hamlet(_ product: String) -> Target.Dependency { .product(name: product, package: root) }

let package = Package(
    name: "HamletFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        // Feeds a fuzz input to a component through a file descriptor or a path, as it reads in production.
        .target(name: "FuzzSupport"),
        .executableTarget(name: "FuzzVectorStream", dependencies: ["FuzzSupport", hamlet("VectorStream")]),
        .executableTarget(name: "FuzzSensorPayload", dependencies: ["FuzzSupport", hamlet("StreamFeatures")]),
        .executableTarget(name: "FuzzControlRequest", dependencies: ["FuzzSupport", hamlet("ControlPlane"), hamlet("MQTTTransport")]),
        .executableTarget(name: "FuzzSettingsYAML", dependencies: ["FuzzSupport", hamlet("AgentSettings")]),
        .executableTarget(name: "FuzzSafeTensors", dependencies: ["FuzzSupport", hamlet("SafeTensors")]),
        .executableTarget(name: "FuzzWAV", dependencies: ["FuzzSupport", hamlet("AudioCapture")]),
        .executableTarget(name: "FuzzStageMessage", dependencies: ["FuzzSupport", hamlet("HamletAgent")]),
    ],
    swiftLanguageModes: [.v6]
)
