import Foundation
import Glibc
import Synchronization
import Testing

@testable import ThreadScheduling

/// Runs `body` on a new thread and returns what it returns, so that no test changes the policy
/// of a thread the test runner uses for other tests.
private func onNewThread<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
    let result = Mutex<T?>(nil)
    let thread = Thread { result.withLock { $0 = body() } }
    thread.start()
    while !thread.isFinished { usleep(1_000) }
    return result.withLock { $0! }
}

@Suite("Scheduling policies of the pipeline and I/O threads")
struct ThreadSchedulingTests {
    @Test func aBatchJobRunsAsSchedBatchAndTheThreadIsOrdinaryAgainAfterwards() {
        let seen = onNewThread { () -> [Int32] in
            let before = sched_getscheduler(0)
            var refusal: String? = nil
            let inside = ThreadScheduling.runningAsBatchJob(refused: { refusal = $0 }) { sched_getscheduler(0) }
            return [before, inside, sched_getscheduler(0), refusal == nil ? 0 : 1]
        }
        #expect(seen == [SCHED_OTHER, ThreadScheduling.batch, SCHED_OTHER, 0])
    }

    @Test func aThreadStartedInABatchJobIsBatchToo() {
        // What the agent relies on for its input and MQTT threads.
        let seen = onNewThread { () -> [Int32] in
            ThreadScheduling.runningAsBatchJob(refused: { _ in }) {
                [sched_getscheduler(0), onNewThread { sched_getscheduler(0) }]
            }
        }
        #expect(seen == [ThreadScheduling.batch, ThreadScheduling.batch])
    }

    @Test func aPolicyAnOperatorChoseIsLeftAlone() {
        // SCHED_IDLE (5) needs no privilege to enter; the batch job must not change it.
        let seen = onNewThread { () -> [Int32] in
            var parameters = sched_param(sched_priority: 0)
            guard sched_setscheduler(0, 5, &parameters) == 0 else { return [-1] }
            let inside = ThreadScheduling.runningAsBatchJob(refused: { _ in }) { sched_getscheduler(0) }
            return [inside, sched_getscheduler(0)]
        }
        #expect(seen == [5, 5])
    }
}
