#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A fixed set of worker threads that run parts 1… of a job while the caller runs part 0, and a
/// barrier: `run` returns when every part is done, so whatever the parts wrote is visible to the
/// caller afterwards. Nothing is allocated per run.
///
/// The job is a closure that the caller makes once and passes at every run: written in the
/// caller's generic code, it runs specialised (a protocol witness here would run the unspecialised
/// generic stage code, measured 25 times slower; a non-escaping closure lent to the workers cost an
/// allocation per run).
///
/// Workers spin briefly for the next run (steps follow each other within microseconds), then
/// sleep on a condition variable, so an idle learner does not hold a core.
@usableFromInline
final class StageExecutor: @unchecked Sendable {
    /// What the caller and the workers share; workers keep it alive until they exit.
    final class Shared: @unchecked Sendable {
        /// Bumped (releasing) to start a run; workers wait for it to change.
        let generation = Atomic<Int>(0)
        /// Workers still running the current job; the caller waits for 0 (acquiring).
        let remaining = Atomic<Int>(0)
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        /// Published by the generation's release; read by workers after their acquire.
        var job: ((Int) -> Void)?
        var stopping = false
        /// Workers asleep on `wake`; read and written under `mutex`.
        var sleepers = 0

        init() {
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(wake, nil)
        }

        deinit {
            pthread_cond_destroy(wake)
            pthread_mutex_destroy(mutex)
            wake.deallocate()
            mutex.deallocate()
        }

        /// Starts the next run: publishes `job` (or a stop) and wakes sleeping workers. The
        /// generation moves before the lock, and a worker re-reads it under the lock before
        /// sleeping, so no wake-up is lost.
        func publish() {
            generation.wrappingAdd(1, ordering: .releasing)
            pthread_mutex_lock(mutex)
            if sleepers > 0 { pthread_cond_broadcast(wake) }
            pthread_mutex_unlock(mutex)
        }

        func work(part: Int) {
            var seen = 0
            while true {
                var spins = 0
                while generation.load(ordering: .acquiring) == seen {
                    spins += 1
                    if spins <= StageExecutor.spins { continue }
                    if spins <= StageExecutor.spins + StageExecutor.yields {
                        sched_yield()
                        continue
                    }
                    pthread_mutex_lock(mutex)
                    sleepers += 1
                    while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(wake, mutex) }
                    sleepers -= 1
                    pthread_mutex_unlock(mutex)
                }
                seen = generation.load(ordering: .acquiring)
                if stopping { return }
                job!(part)
                remaining.wrappingSubtract(1, ordering: .releasing)
            }
        }
    }

    /// Checks of a flag before a waiting thread yields its core at every further check: on a
    /// machine with fewer free cores than threads, a thread spinning for longer kept the one it
    /// waits for off the core (about 23 µs per hand-over on 2 shared vCPUs, measured).
    static let spins = 100
    /// Yields before a worker sleeps on the condition variable: long enough for the gaps within and
    /// between steps, short next to a stream's idle time (each yield is a system call, under a µs
    /// when no other thread is runnable).
    static let yields = 1_000

    @usableFromInline let threadCount: Int
    let shared = Shared()
    private var threads: [pthread_t] = []

    /// `threadCount` − 1 workers are started now and joined at deinit.
    init(threadCount: Int) {
        precondition(threadCount >= 1)
        self.threadCount = threadCount
        for part in 1..<threadCount {
            final class Start {
                let shared: Shared
                let part: Int
                init(_ shared: Shared, _ part: Int) { (self.shared, self.part) = (shared, part) }
            }
            let context = Unmanaged.passRetained(Start(shared, part)).toOpaque()
            #if canImport(Darwin)
            var thread: pthread_t?
            #else
            var thread = pthread_t()
            #endif
            let rc = pthread_create(&thread, nil, { context in
                let start = Unmanaged<Start>.fromOpaque(context!).takeRetainedValue()
                start.shared.work(part: start.part)
                return nil
            }, context)
            precondition(rc == 0, "cannot start a pipeline worker thread: error \(rc)")
            #if canImport(Darwin)
            threads.append(thread!)
            #else
            threads.append(thread)
            #endif
        }
    }

    deinit {
        shared.stopping = true
        shared.publish()
        for thread in threads { pthread_join(thread, nil) }
    }

    /// Runs `job(part)` for every part, part 0 here, and returns when all are done.
    @usableFromInline
    func run(_ job: @escaping (Int) -> Void) {
        if threadCount == 1 { return job(0) }
        shared.job = job
        shared.remaining.store(threadCount - 1, ordering: .relaxed)
        shared.publish()
        job(0)
        var spins = 0
        while shared.remaining.load(ordering: .acquiring) != 0 {
            spins += 1
            // A worker may have lost its core to another process: let it have ours.
            if spins > StageExecutor.spins { sched_yield() }
        }
    }
}
