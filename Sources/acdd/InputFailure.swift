import ArgumentParser
import Foundation
import IVRFlows

/// Prints an input error the way editors read it and exits with status 2.
func failInput(_ error: InputError) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    return ExitCode(2)
}

func warn(_ warning: InputError) {
    FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
}

/// Says on stderr, before a long run starts, how long it will take (``RunEstimate/announcement(command:shorten:)``).
func announce(_ text: String?) {
    guard let text else { return }
    FileHandle.standardError.write(Data("note: \(text)\n".utf8))
}

/// A scenario with `--set` changes, or exit status 2 with the located error.
func loadScenario(_ path: String, overrides: [String]) throws -> Scenario {
    do {
        var changes: [ScenarioOverride] = []
        for text in overrides { changes.append(try ScenarioOverride(text)) }
        return try Scenario.load(path: path, overrides: changes)
    } catch {
        throw failInput(error)
    }
}
