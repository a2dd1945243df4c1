/// One moment in a call's or an agent's life, numbered in the order the live engine saw them: the daemon's event
/// stream (`GET /v1/events`) carries these as they are.
package struct LiveEvent: Sendable, Codable, Equatable {
    package enum Kind: String, Sendable, Codable, CaseIterable {
        case callArrived = "call.arrived"
        case callQueued = "call.queued"
        case callAnswered = "call.answered"
        case callRinging = "call.ringing"
        case callEnded = "call.ended"
        case agentState = "agent.state"
        case callPrompted = "call.prompted"
        case callPlaying = "call.playing"
    }

    /// From 1, one more for each event.
    package var id: Int
    package var type: Kind
    /// Engine seconds (see ``LiveSnapshot/time``).
    package var time: Double
    package var call: CallID?
    package var entry: String?
    package var queue: String?
    /// The agent's name: the one they logged in with, or `group/number` for an agent of the rota.
    package var agent: String?
    package var state: AgentActivity?
    package var outcome: CallRecord.Outcome?
    /// `call.prompted` and `call.playing`: the flow step the caller is at (`flow/step`), what it takes (`keys`,
    /// `speech` or `choice`; `call.prompted` only), and the caller's type there.
    package var step: String?
    package var expects: StepInput.Kind?
    package var intent: String?
}

extension AgentActivity {
    /// The name the API uses: `logged-out`, `ready`, `talking`, `wrap-up`, `not-ready`, `ringing`.
    package init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = found
    }
}
