import Glibc
import HamletAgent
import LearningPipeline

/// The process's run context, fed by its signals: SIGINT and SIGTERM request a clean stop (the
/// source stops and the final checkpoint is written), SIGHUP asks `hamlet run` to re-read its
/// configuration at the next step boundary.
enum ProcessSignals {
    /// Made before a handler is installed, so that a handler only reads it.
    static let context = RunContext()

    /// Installs the stop handlers, and SIGHUP's with `reload`; returns the context they feed.
    static func install(reload: Bool = false) -> RunContext {
        let context = Self.context
        signal(SIGINT, stopHandler)
        signal(SIGTERM, stopHandler)
        if reload { signal(SIGHUP, reloadHandler) }
        return context
    }
}

private func stopHandler(_: Int32) { ProcessSignals.context.requestStop() }

private func reloadHandler(_: Int32) { ProcessSignals.context.requestReload() }
