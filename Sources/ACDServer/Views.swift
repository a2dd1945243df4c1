import ACDCore
import Hummingbird
import IVRFlows

/// A call as the API shows it.
struct CallView: Codable, Sendable, Equatable {
    var id: CallID
    /// `ivr`, `waiting`, `ringing` (an agent's phone rings with it), `talking` or `ended`.
    var state: String
    var node: String?
    var awaitingInput: Bool?
    var queue: String?
    var agent: String?
    var dialled: Double?
    var outcome: CallRecord.Outcome?
    /// The call's events still kept by the daemon (`GET /v1/calls/{id}`).
    var history: [LiveEvent]?
    /// How the call came in: `api`, or `sip` with its SIP Call-ID, the caller's address and the codec.
    var channel: String?
    var sip: ChannelRegistry.Leg?
    /// `GET /v1/calls/{id}` only, from the kept events: the entry dialled, the caller's type, the flow steps the
    /// caller was taken through (`flow/step`, in order), and the seconds waited in the queue (to the answer, or so
    /// far), which the agent page shows.
    var entry: String?
    var intent: String?
    var path: [String]?
    var waited: Double?

    init(id: CallID, location: CallLocation, model: CentreModel, agentName: (AgentID) -> String) {
        self.id = id
        switch location {
        case .ivr(let node, let awaiting):
            state = "ivr"
            self.node = node
            awaitingInput = awaiting
        case .waiting(let q):
            state = "waiting"
            queue = model.queues[q.index].name
        case .talking(let q, let a):
            state = "talking"
            queue = model.queues[q.index].name
            agent = agentName(a)
        case .ringing(let q, let a):
            state = "ringing"
            queue = model.queues[q.index].name
            agent = agentName(a)
        case .ended:
            state = "ended"
        }
    }
}

extension CallView {
    /// Fills ``entry``, ``intent``, ``path`` and ``waited`` from a call's kept events; `now` is the engine's time.
    mutating func summarise(_ history: [LiveEvent], now: Double) {
        entry = history.first(where: { $0.type == .callArrived })?.entry
        intent = history.last(where: { $0.intent != nil })?.intent
        var steps: [String] = []
        for event in history where event.type == .callPrompted || event.type == .callPlaying {
            if let step = event.step, steps.last != step { steps.append(step) }
        }
        path = steps
        if let queued = history.last(where: { $0.type == .callQueued })?.time {
            let end = history.last(where: { $0.type == .callAnswered && $0.time >= queued })?.time
                ?? history.last(where: { $0.type == .callEnded && $0.time >= queued })?.time ?? now
            waited = max(0, end - queued)
        }
    }
}

/// An agent as the API shows it.
struct AgentView: Codable, Sendable, Equatable {
    var id: String
    var group: String
    var state: AgentActivity
    var since: Double
    var call: CallID?
    var reason: String?
    /// `true` for agents logged in through the API, `false` for the rota's.
    var external: Bool
}

/// `GET /v1/queues`: the live snapshot against targets.
package struct QueuesView: Codable, Sendable {
    package var time: Double
    package var day: Int
    /// The engine day's weekday in the model's calendar (`Mon`) and the time of day (`09:07`).
    package var weekday: String
    package var clock: String
    package var queues: [LiveQueue]
    package var entries: [LiveEntry]
    package var recordsDropped: Int
}

/// One interval of one queue's day.
struct IntervalView: Codable, Sendable {
    var interval: Int
    var start: String
    var offered: Int
    var answered: Int
    var abandoned: Int
    var blocked: Int
    var asa: Double
    var abandonment: Double
    var serviceLevel: Double
}

struct IntervalsView: Codable, Sendable {
    var queue: String
    var day: Int
    var date: String
    var intervals: [IntervalView]
}

package struct FlowCheckView: Codable, Sendable {
    var file: String
    var line: Int
    var column: Int
    var field: String
    var severity: String
    var message: String

    init(_ p: FlowProblem) {
        file = p.location.file
        line = p.location.line
        column = p.location.column
        field = p.location.field
        severity = p.severity.rawValue
        message = p.location.message
    }
}

struct FlowsView: Codable, Sendable {
    var scenario: String
    var file: String
    var flows: [String]
    var entries: [String]
    var checks: [FlowCheckView]
    var reloads: Int
}

/// Minutes and seconds of a day as `HH:MM`.
func clockLabel(_ seconds: Double) -> String {
    Quantity.clockText(seconds.truncatingRemainder(dividingBy: 86400))
}

struct CallsView: Codable, Sendable {
    var calls: [CallView]
}

struct AgentsView: Codable, Sendable {
    var agents: [AgentView]
}

extension CallView: ResponseEncodable {}
extension CallsView: ResponseEncodable {}
extension AgentView: ResponseEncodable {}
extension AgentsView: ResponseEncodable {}
extension QueuesView: ResponseEncodable {}
extension IntervalsView: ResponseEncodable {}
extension FlowsView: ResponseEncodable {}
