import BenchSupport
import Dispatch

/// Results written by index from worker threads; each slot is written by exactly one iteration.
final class ResultSlots<Result>: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<Result?>
    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }
    deinit { slots.deallocate() }
}

/// Runs `body` on every spec, at most `threads` at a time, printing `progress` of each on stderr;
/// returns the results in the specs' order and the wall time. List the most expensive specs first so
/// the threads finish together.
func runInParallel<Spec: Sendable, Result>(
    _ specs: [Spec], threads: Int, progress: @escaping @Sendable (Spec, Result) -> String, _ body: @escaping @Sendable (Spec) -> Result
) -> (results: [Result], seconds: Double) {
    let start = monotonicNanoseconds()
    let results = ResultSlots<Result>(count: specs.count)
    let queue = DispatchQueue(label: "runs", attributes: .concurrent)
    let group = DispatchGroup()
    let semaphore = DispatchSemaphore(value: max(threads, 1))
    for index in specs.indices {
        semaphore.wait()
        let spec = specs[index]
        queue.async(group: group) {
            let result = body(spec)
            results.slots[index] = result
            printError("  done: " + progress(spec, result))
            semaphore.signal()
        }
    }
    group.wait()
    return (results.slots.map { $0! }, Double(monotonicNanoseconds() - start) / 1e9)
}
