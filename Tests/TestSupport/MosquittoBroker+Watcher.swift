import Foundation

extension MosquittoBroker {
    /// A `mosquitto_sub -v` on `topics` writing "topic payload" lines to `outputPath` (its errors
    /// beside it, `.err`), returned once the broker has its last subscription: what a user of the
    /// agents sees on the broker.
    public func watch(_ topics: [String], clientID: String, outputPath: String) async throws -> ChildProcess {
        let watcher = try ChildProcess.spawn(
            try requireExecutable("mosquitto_sub"),
            ["-h", "127.0.0.1", "-p", "\(port)", "-i", clientID, "-v"] + topics.flatMap { ["-t", $0] },
            stdout: outputPath, stderr: outputPath + ".err")
        do {
            try await waitForSubscription(clientID: clientID, filter: topics.last!, timeout: .seconds(10))
        } catch {
            watcher.killAndReap()
            throw error
        }
        return watcher
    }
}
