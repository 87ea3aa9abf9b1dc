#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CThreadName

/// Starts a joinable POSIX thread named `name` (as `top -H` shows it; at most 15 bytes) that runs
/// `body`.
///
/// A pthread rather than a Foundation `Thread`, because its owner joins it on close. `body`
/// holds whatever it captures until it returns. Traps only when the process has no threads or
/// memory left.
public func startJoinableThread(named name: String, _ body: @escaping () -> Void) -> pthread_t {
    final class Start {
        let name: String
        let body: () -> Void
        init(name: String, body: @escaping () -> Void) {
            self.name = name
            self.body = body
        }
    }
    let context = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(
        &thread, nil,
        { context in
            let start = Unmanaged<Start>.fromOpaque(context!).takeRetainedValue()
            _ = hamlet_set_thread_name(start.name)
            start.body()
            return nil
        }, context)
    precondition(rc == 0, "cannot start the \(name) thread: \(String(cString: strerror(rc)))")
    return thread
}
