import Glibc
import Synchronization

/// SIGINT and SIGTERM end an audio or MQTT run cleanly: the source stops and the final checkpoint is written.
enum StopRequest {
    private static let requested = Atomic<Bool>(false)

    static var isRequested: Bool { requested.load(ordering: .relaxed) }

    static func install() {
        signal(SIGINT, stopHandler)
        signal(SIGTERM, stopHandler)
    }

    fileprivate static func request() { requested.store(true, ordering: .relaxed) }
}

private func stopHandler(_: Int32) { StopRequest.request() }
