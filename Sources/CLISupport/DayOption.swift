import ArgumentParser
import IVRFlows

extension Scenario {
    /// The days `--day` names (a date, a day number, or FIRST..LAST), or a usage error (exit status 2) saying what
    /// it takes.
    package func days(option text: String) throws -> ClosedRange<Int> {
        guard let days = periodDays(text) else {
            throw ValidationError(
                "--day \(text): not a day of the scenario's period (YYYY-MM-DD, or a number from 0), or a range "
                    + "FIRST..LAST of them")
        }
        return days
    }
}
