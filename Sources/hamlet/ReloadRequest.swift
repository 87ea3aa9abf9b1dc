import Glibc
import Synchronization

/// SIGHUP asks `hamlet run` to re-read its configuration at the next step boundary.
enum ReloadRequest {
    private static let requested = Atomic<Bool>(false)

    /// True once per SIGHUP: reading it clears it.
    static func take() -> Bool { requested.exchange(false, ordering: .relaxed) }

    static func install() { signal(SIGHUP, reloadHandler) }

    fileprivate static func request() { requested.store(true, ordering: .relaxed) }
}

private func reloadHandler(_: Int32) { ReloadRequest.request() }
