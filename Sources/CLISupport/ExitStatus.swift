import ArgumentParser
import Foundation

/// The `main` of acdd and callgen: ArgumentParser's own, except that a bad option or value exits with status 2 (bad
/// input, as both document) rather than ArgumentParser's 64.
extension AsyncParsableCommand {
    package static func mainWithInputErrorsAsTwo() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            exit(withError: ExitCode(2))
        }
    }
}
