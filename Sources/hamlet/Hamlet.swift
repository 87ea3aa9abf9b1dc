import ArgumentParser

@main
struct Hamlet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hamlet",
        abstract: "An edge agent that learns online from sensor streams with Hamiltonian Learning.",
        version: "0.1.0",
        subcommands: [RunCommand.self, LearnCommand.self, EvaluateCommand.self, GenerateCommand.self, PlotCommand.self])
}
