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

/// A one-line progress counter on stderr, drawn only when stderr is a terminal.
final class Progress: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private let lock = NSLock()

    init(total: Int, label: String) {
        self.total = total
        self.label = label
        enabled = isatty(2) == 1
    }

    func update(_ done: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let width = 30
        let filled = total > 0 ? min(width, done * width / total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
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
