import ArgumentParser

@main
struct ACDD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acdd",
        abstract: "Automatic call distributor and IVR daemon and simulator: serve, what-if runs, Erlang figures, staffing.",
        discussion: """
            Exit status: 0 on success, 2 when an input file or value is wrong (the message names the file, line, \
            column and field), 1 on any other failure.
            """,
        subcommands: [
            Serve.self, Simulate.self, Compare.self, Calibrate.self, Staff.self, Erlang.self, Flows.self, Live.self,
        ]
    )
}
