import ACDCore

/// A flow file as written: nodes by id, each with the place it was written, before checking and compiling.
package struct FlowDocument: Sendable {
    package var name: String
    package var file: String
    package var timeZone: String?
    /// Speaking rate for text prompts.
    package var wordsPerMinute: Double
    /// Warn about prompts longer than this, seconds.
    package var longPrompt: Double
    /// IVR patience from the start of the call.
    package var patience: Distribution?
    /// Contained callers calling again within this many seconds are not truly contained.
    package var repeatWindow: Double = 7 * 86400
    package var start: Reference
    package var nodes: [FlowNode]
    package var location: Location
    /// Scripted test calls (`acdd flows test`).
    package var tests: [FlowTestCall] = []
    /// Nodes the checker could not read (``FlowDocument/loadRecovering(path:errors:)``): placeholders here.
    package var brokenNodes: Set<String> = []

    package func node(_ id: String) -> FlowNode? { nodes.first { $0.id == id } }
}

/// Where something was written: file, line, column and field path.
package struct Location: Sendable, Equatable {
    package var file: String
    package var line: Int
    package var column: Int
    package var field: String

    init(_ value: YAMLValue) {
        file = value.file
        line = value.line
        column = value.column
        field = value.path
    }

    package func error(_ message: String) -> InputError {
        InputError(file: file, line: line, column: column, field: field, message: message)
    }
}

/// A name that refers to something else (a node, a queue, a calendar, a flow), with where it was written.
package struct Reference: Sendable, Equatable {
    package var name: String
    package var location: Location
}

/// A prompt: recorded audio or text read at the flow's speaking rate.
package struct Prompt: Sendable, Equatable {
    package var text: String?
    package var audio: String?
    package var location: Location
}

package struct FlowNode: Sendable {
    package var id: String
    package var kind: Kind
    package var location: Location
    /// On self-service and signpost nodes: the share of callers they contain who call again later.
    package var callBack: CallBack?
    /// Share of visits in which the caller hangs up in this node (in addition to the flow's patience).
    package var hangUp: Double = 0
    /// On queue nodes: the call's priority in the queue, and the queue's callback offer and announcement.
    package var callPriority = 0
    package var callback: CallbackOffer?
    package var announcement: Announcement?

    package enum Kind: Sendable {
        case play(prompt: Prompt, bargeIn: Bool, next: Reference)
        case menu(Menu)
        case speech(Speech)
        case hours(calendar: Reference, open: Reference, closed: Reference)
        case selfService(
            task: String, duration: Distribution, completion: Double, completed: Reference?, failed: Reference)
        case signpost(message: Prompt, satisfied: Double, otherwise: Reference)
        case branch(cases: [BranchCase], otherwise: Reference)
        /// Caller attributes take new values for the rest of the call.
        case set(values: [AttributeValue], next: Reference)
        case queue(queue: Reference)
        case transfer(destination: String)
        case hangup(outcome: FlowOutcome)
        case call(flow: Reference, next: Reference)
        case `return`

        package var name: String {
            switch self {
            case .play: "play"
            case .menu: "menu"
            case .speech: "speech"
            case .hours: "hours"
            case .selfService: "self_service"
            case .signpost: "signpost"
            case .branch: "branch"
            case .set: "set"
            case .queue: "queue"
            case .transfer: "transfer"
            case .hangup: "hangup"
            case .call: "call"
            case .return: "return"
            }
        }
    }

    /// Every node this one can go to next, with where each was written.
    package var successors: [Reference] {
        switch kind {
        case .play(_, _, let next): [next]
        case .menu(let m): m.options.map(\.next) + [m.exhausted]
        case .speech(let s): s.routes.map(\.next) + [s.exhausted]
        case .hours(_, let open, let closed): [open, closed]
        case .selfService(_, _, _, let completed, let failed): (completed.map { [$0] } ?? []) + [failed]
        case .signpost(_, _, let otherwise): [otherwise]
        case .branch(let cases, let otherwise): cases.map(\.next) + [otherwise]
        case .call(_, let next): [next]
        case .set(_, let next): [next]
        case .queue, .transfer, .hangup, .return: []
        }
    }
}

/// A DTMF menu: options by key, with retry handling.
package struct Menu: Sendable {
    package struct Option: Sendable {
        package var key: String
        /// Intents of callers who choose this option.
        package var intents: [Reference]
        package var next: Reference
        package var location: Location
    }

    package var prompt: Prompt
    /// A shorter prompt for repeats; the full prompt again if absent.
    package var repeatPrompt: Prompt?
    /// Whether callers may press a key before the prompt ends.
    package var bargeIn = true
    package var options: [Option]
    /// Seconds to wait for a key before no-input.
    package var timeout: Double
    /// Further attempts after the first.
    package var retries: Int
    package var noInput: Prompt?
    package var noMatch: Prompt?
    package var exhausted: Reference
    package var location: Location
}

/// An EVR (speech) menu: recognised intents route the caller, with the stated accuracy.
package struct Speech: Sendable {
    package struct Route: Sendable {
        package var intent: Reference
        package var next: Reference
        package var phrases: [String]
    }

    package var prompt: Prompt
    package var repeatPrompt: Prompt?
    package var routes: [Route]
    /// Probability that a caller's intent is recognised as itself.
    package var recognition: Double
    /// `confusion[a][b]`: probability that intent a is recognised as b.
    package var confusion: [String: [String: Double]]
    package var confusionLocation: Location?
    package var retries: Int
    package var noMatch: Prompt?
    package var exhausted: Reference
    package var location: Location
}

/// An attribute and a value, each with where it was written: `language: pl`.
package struct AttributeValue: Sendable {
    package var attribute: Reference
    package var value: Reference
}

/// One case of a branch: callers matching every condition go to `next`.
package struct BranchCase: Sendable {
    package var intents: [Reference]
    /// Caller attributes that must have these values.
    package var when: [AttributeValue] = []
    /// Local time of day window, seconds from midnight, `[from, to)`.
    package var timeOfDay: (from: Double, to: Double)?
    package var next: Reference
    package var location: Location
}
