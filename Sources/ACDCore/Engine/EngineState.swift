/// An agent's state machine: `offShift -> idle -> talking -> wrapUp -> idle ... -> offShift`; external agents also go
/// `idle <-> notReady`, and leave talk and wrap-up when they say so; an agent on a telephone goes `idle -> ringing`
/// first, then `talking` on answering or `notReady` when the phone is not answered.

struct AgentState: Sendable {
    var group: Int32
    var activity: AgentActivity = .offShift
    /// Logged in through commands (the live engine), not scheduled by the rota: talk and wrap-up end on command.
    var external = false
    /// When the agent entered the current activity.
    var since = 0.0
    /// Links of the group's idle list (oldest idle first) or, off shift, of its off-shift stack.
    var previous: Int32 = -1
    var next: Int32 = -1
    /// The call being talked to, or -1.
    var call: Int32 = -1
    var idleSince = 0.0
    var busySince = 0.0
    var callsAnswered = 0
    var talkTime = 0.0
    /// Counts the agent's answers, so that a talk-end event of a talk cut short (the caller hung up) is ignored.
    var epoch: UInt32 = 0
    /// An external agent on a telephone: a call offered to them rings first (``AgentActivity/ringing``) and is talked
    /// to only once they answer (``Engine/connect(agent:at:)``), or goes back to the head of its queue.
    var rings = false

    init(group: Int32, next: Int32) {
        self.group = group
        self.next = next
    }
}

/// What an agent is doing. `offShift` is "logged out" for an external agent.
package enum AgentActivity: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case offShift
    case idle
    case talking
    case wrapUp
    case notReady
    /// An external agent's phone rings with a call offered to them (agents on telephones only).
    case ringing

    package var description: String {
        switch self {
        case .offShift: "logged-out"
        case .idle: "ready"
        case .talking: "talking"
        case .wrapUp: "wrap-up"
        case .notReady: "not-ready"
        case .ringing: "ringing"
        }
    }
}

/// In JSON by name (`ready`, `wrap-up`, ...), as the API shows it.
extension AgentActivity: Codable {
    package init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let activity = Self.allCases.first(where: { $0.description == name }) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "no agent state '\(name)'"))
        }
        self = activity
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Per-group bookkeeping: the idle list (a doubly linked list through the agents, longest idle at the head), the
/// off-shift stack, and agents owed to the rota who are finishing a call.

struct GroupState: Sendable {
    var idleHead: Int32 = -1
    var idleTail: Int32 = -1
    var idleCount = 0
    var offShiftHead: Int32 = -1
    /// Agents on shift, including those who will leave after their current call.
    var onShift = 0
    /// Agents who must leave as soon as they finish their call (their shift has ended).
    var pendingDepartures = 0

    init() {}
}

/// A call in the system. Slots are recycled; `generation` tells a new occupant from an old one.

struct CallSlot: Sendable {
    enum State: UInt8, Sendable {
        case free
        /// Injected, due to arrive later.
        case scheduled
        /// In an IVR/EVR flow, not yet in a queue.
        case inFlow
        case waiting
        case answered
        /// Offered to an agent on a telephone whose phone rings; still waiting (its wait runs on).
        case ringing
    }

    var queue: Int32 = 0
    var interval: Int32 = 0
    var generation: UInt32 = 0
    var state: State = .free
    var counted = false
    var attempt: UInt8 = 0
    /// When the caller joined the current queue (dialled, for a call still in a flow).
    var arrival = 0.0
    /// When the caller dialled, and left the IVR.
    var dialled = 0.0
    var ivrExit = -1.0
    var talk = 0.0
    var patience = Double.infinity
    var serial = 0
    // While in a flow: the step it leaves from (a queue or finish step), and whether it hangs up instead.
    var step: Int32 = 0
    var entry: Int16 = -1
    var intent: Int16 = -1
    var hangingUp = false
    /// Answered at a queue that does not serve the caller's intent: transferred after the talk.
    var misrouted = false
    /// Priority class within the queue.
    var priority: UInt8 = 0
    /// Accepted a callback: keeps its place, no longer abandons.
    var callback = false
    /// Heard an announcement of a wait longer than its patience: hangs up after it.
    var balking = false
    /// The caller's input comes from outside (live calls): the flow waits at input steps for it.
    var external = false
    /// A caller on the telephone: hears every prompt whole (``CallerKind/telephone``).
    var hearsWhole = false
    /// The queue a transferred call was first offered to, or -1.
    var firstQueue: Int16 = -1
    /// The agent talking to the call, or -1.
    var agent: Int32 = -1
    /// An external caller in a flow: waiting for their input at `step`; the node they are in, and since when.
    var awaitingInput = false
    /// A telephone caller whose type nobody gave: their choices at menus say what they want (in the padding before
    /// `node`, so the slot stays the size it was).
    var infersIntent = false
    var node: Int32 = -1
    var nodeSince = 0.0

    init() {}
}

/// A FIFO of waiting calls as (slot, generation) pairs in a power-of-two ring. Calls that abandon stay in the ring
/// until they reach its head, where they are recognised by their generation or state and skipped.

struct CallRing: Sendable {
    var buffer: ContiguousArray<UInt64> = ContiguousArray(repeating: 0, count: 16)
    var head = 0
    var count = 0

    init() {}

    mutating func push(call: Int32, generation: UInt32) {
        if count == buffer.count { grow() }
        buffer[(head + count) & (buffer.count - 1)] = UInt64(generation) << 32 | UInt64(UInt32(bitPattern: call))
        count += 1
    }

    /// Puts a call back at the head (a call that rang an agent who did not answer keeps its place).
    mutating func pushFront(call: Int32, generation: UInt32) {
        if count == buffer.count { grow() }
        head = (head - 1) & (buffer.count - 1)
        buffer[head] = UInt64(generation) << 32 | UInt64(UInt32(bitPattern: call))
        count += 1
    }

    var first: (call: Int32, generation: UInt32)? {
        guard count > 0 else { return nil }
        return self[0]
    }

    /// The `i`-th entry from the head (`i < count`), which may belong to a call that has since left.
    subscript(i: Int) -> (call: Int32, generation: UInt32) {
        let entry = buffer[(head + i) & (buffer.count - 1)]
        return (Int32(bitPattern: UInt32(truncatingIfNeeded: entry)), UInt32(truncatingIfNeeded: entry >> 32))
    }

    mutating func removeFirst() {
        head = (head + 1) & (buffer.count - 1)
        count -= 1
    }

    mutating func grow() {
        var bigger = ContiguousArray<UInt64>(repeating: 0, count: buffer.count * 2)
        for i in 0..<count { bigger[i] = buffer[(head + i) & (buffer.count - 1)] }
        buffer = bigger
        head = 0
    }
}

/// A group that may answer a queue: its skill level there and the wait before it may (an overflow tier).
struct Eligibility: Sendable {
    var group: Int
    var level: Int
    var delay: Double
}
