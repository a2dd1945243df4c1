import ArgumentParser
import CLISupport
import Foundation

@main
struct ACDD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acdd",
        abstract:
            "Automatic call distributor and IVR daemon and simulator: serve, what-if runs, Erlang figures, staffing.",
        discussion: """
            Exit status: 0 on success, 2 when an input file or value is wrong (the message names the file, line, \
            column and field), 1 on any other failure.
            """,
        subcommands: [
            Serve.self, Simulate.self, Compare.self, Sweep.self, Calibrate.self, Staff.self, Shifts.self, Erlang.self, Flows.self,
            Live.self, Records.self,
        ]
    )
}

/// How `staff` and `calibrate` turn agent-hours into FTE unless told otherwise: 35% of paid time off the phones
/// (leave, training, breaks; a common planning figure) and a 37-hour week.
enum FTEDefaults {
    static let shrinkage = "35%"
    static let weeklyHours = 37.0
}

extension ACDD {
    static func main() async { await mainWithInputErrorsAsTwo() }
}
