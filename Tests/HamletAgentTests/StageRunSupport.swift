import Foundation
import TestSupport
import Testing

/// `hamlet run` stage processes started in a chosen order, each with its own configuration file,
/// until `--max-steps`; killed and reaped when the value goes, however the test ends.
final class StageRun {
    private(set) var children: [(stage: Int, process: ChildProcess)] = []
    private let start = ContinuousClock.now

    /// Starts stage `k` for each `k` of `order` (a stage waits until the stages it sends to are online).
    init(order: [Int], paths: [String], steps: Int, in directory: TemporaryDirectory) throws {
        for k in order {
            children.append((k, try startHamlet(["run", "--config", paths[k], "--max-steps", "\(steps)"], in: directory, name: "stage-\(k)")))
        }
    }

    deinit { for (_, child) in children { child.killAndReap() } }

    /// Waits for every stage to exit, expects each to succeed, and returns the time from the first start.
    func waitForAll(timeout: Duration = .seconds(600)) async -> Duration {
        for (k, child) in children {
            let status = await child.wait(timeout: timeout)
            #expect(status == 0, "stage \(k) ended with \(String(describing: status)): \(child.standardError.suffix(3000))")
        }
        return ContinuousClock.now - start
    }

    func process(of stage: Int) -> ChildProcess { children.first { $0.stage == stage }!.process }
}
