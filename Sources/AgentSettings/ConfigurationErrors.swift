/// Every problem found in one attempt to build a configuration, so that one run shows them all.
public struct ConfigurationErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [ConfigurationProblem]

    public init(problems: [ConfigurationProblem]) {
        self.problems = problems
    }

    /// The key paths in the order found, for tests and short summaries.
    public var keyPaths: [String] { problems.map(\.keyPath) }

    /// One problem per line, each starting with its file name (or environment variable).
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
