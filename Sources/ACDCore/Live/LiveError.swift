/// Why the engine refused a command. A refused command changes nothing; the engine carries on.
///
/// A struct with a code, in the manner of swift-nio's and service-lifecycle's errors, so that cases can be added; the
/// message is a sentence for the person who sent the command.
package struct LiveError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable, Codable, CaseIterable {
        case unknownCall = "unknown-call"
        case unknownAgent = "unknown-agent"
        case unknownEntry = "unknown-entry"
        case unknownQueue = "unknown-queue"
        case unknownGroup = "unknown-group"
        case unknownIntent = "unknown-intent"
        /// The call or agent is not in a state where the command applies (ending the talk of an idle agent).
        case wrongState = "wrong-state"
        /// Input for a call that is not waiting for input in the IVR.
        case notInIVR = "not-in-ivr"
        /// Input the step cannot take (a phrase at a keypad menu, a word a choice does not know).
        case inputNotUnderstood = "input-not-understood"
        /// A value out of range (a priority class the queue does not have, an agent id taken).
        case badValue = "bad-value"
        /// The record stream is nearly full: its reader has fallen behind (a daemon answers 503).
        case overloaded
        /// The engine is stopping or has stopped.
        case shuttingDown = "shutting-down"
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.rawValue): \(message)" }
}
