#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMosquitto

/// Starts a joinable POSIX thread named `name` (as `top -H` shows it) that runs `body`.
///
/// A pthread rather than a Foundation `Thread`, because the client joins it on close. `body`
/// holds whatever it captures until it returns. Traps only when the process has no threads or
/// memory left.
func startJoinableThread(named name: String, _ body: @escaping () -> Void) -> pthread_t {
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
            _ = hamlet_mqtt_set_thread_name(start.name)
            start.body()
            return nil
        }, context)
    precondition(rc == 0, "MQTT cannot start its \(name) thread: \(String(cString: strerror(rc)))")
    return thread
}
