import CThreadName
import Glibc
import Synchronization
import SystemPrimitives
import Testing

/// The bottom target: one monotonic clock, Duration's parts, a named joinable thread and a
/// condition lock with deadlines, checked against the kernel's own answers.
@Suite struct SystemPrimitivesTests {
    @Test("the clock never goes back and a sleep ends at or after its deadline")
    func clock() {
        let start = MonotonicClock.nowNanoseconds()
        let deadline = start + 20_000_000
        MonotonicClock.sleep(untilNanoseconds: deadline)
        let end = MonotonicClock.nowNanoseconds()
        #expect(end >= deadline)
        #expect(abs(MonotonicClock.nowSeconds() - Double(MonotonicClock.nowNanoseconds()) * 1e-9) < 0.01)
        #expect(MonotonicClock.deadline(after: .seconds(Int64.max)) == Int64.max, "saturates")
    }

    @Test("Duration's nanoseconds clamp to 0…Int64.max; seconds and log text read as people write them")
    func durationParts() {
        #expect(Duration.milliseconds(1500).nanoseconds == 1_500_000_000)
        #expect(Duration.milliseconds(-3).nanoseconds == 0)
        #expect(Duration.seconds(Int64.max).nanoseconds == Int64.max)
        #expect(Duration.milliseconds(250).seconds == 0.25)
        #expect(Duration.milliseconds(250).logText == "0.25 s")
        #expect(Duration.seconds(42).logText == "42 s")
    }

    @Test("a joinable thread runs under its name and is joined")
    func namedThread() {
        let seen = Mutex<String>("")
        let thread = startJoinableThread(named: "hamlet-test") {
            var name = [CChar](repeating: 0, count: 16)
            _ = hamlet_get_thread_name(&name)
            let text = String(cString: name)
            seen.withLock { $0 = text }
        }
        #expect(pthread_join(thread, nil) == 0)
        #expect(seen.withLock { $0 } == "hamlet-test")
    }

    @Test("a condition wait returns false once its deadline has passed, true when woken")
    func conditionLock() {
        let lock = ConditionLock()
        let past = MonotonicClock.nowNanoseconds() - 1
        #expect(!lock.withLock { lock.wait(untilNanoseconds: past) }, "a deadline already passed returns false at once")
        let flag = Mutex(false)
        let waker = startJoinableThread(named: "hamlet-waker") {
            usleep(20_000)
            lock.withLock {
                flag.withLock { $0 = true }
                lock.broadcast()
            }
        }
        let woke = lock.withLock {
            lock.wait(until: { flag.withLock { $0 } }, deadlineNanoseconds: MonotonicClock.deadline(after: .seconds(10)))
        }
        #expect(woke)
        let timedOut = lock.withLock { lock.wait(until: { false }, deadlineNanoseconds: MonotonicClock.deadline(after: .milliseconds(10))) }
        #expect(!timedOut)
        pthread_join(waker, nil)
    }
}
