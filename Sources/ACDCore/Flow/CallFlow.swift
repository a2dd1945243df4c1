/// A compiled IVR or EVR flow: what the engine runs callers through before they join a queue or leave.
///
/// Flow files (IVRFlows) compile to this: a flat array of steps, each of which takes some time (a prompt, the
/// caller's input, a self-service task), may lose the caller, and then routes the caller on by their intent, by the
/// calendar, into a queue, or out of the flow with an outcome. Steps refer to each other by index.
package struct CallFlow: Sendable, Equatable {
    package var name: String
    package var steps: [FlowStep]
    /// The step callers start at.
    package var entry: Int
    /// Time a caller will spend in the IVR from the start of the call before hanging up; `nil` for no limit.
    package var patience: Distribution?
    /// Callers contained by the flow who call back within this many seconds do not count as truly contained.
    package var repeatWindow: Double = 7 * 86400

    package init(name: String, steps: [FlowStep], entry: Int = 0, patience: Distribution? = nil) {
        self.name = name
        self.steps = steps
        self.entry = entry
        self.patience = patience
    }

    /// Structural problems, as sentences; empty when the flow is runnable. `intents` and `queues` are the model's
    /// counts, `intervals` its interval count.
    package func problems(intents: Int, queues: Int, intervals: Int) -> [String] {
        var out: [String] = []
        func check(_ target: Int, _ step: FlowStep) {
            if !steps.indices.contains(target) { out.append("flow \(name), step \(step.name): no step #\(target)") }
        }
        if !steps.indices.contains(entry) { out.append("flow \(name): the entry step #\(entry) does not exist") }
        for step in steps {
            if let node = step.node, !steps.indices.contains(node) {
                out.append("flow \(name), step \(step.name): no node step #\(node)")
            }
            if !(0...1).contains(step.hangUp) { out.append("flow \(name), step \(step.name): hang-up share outside 0...1") }
            switch step.action {
            case .route(let targets, let weights):
                targets.forEach { check($0, step) }
                if weights.count != intents {
                    out.append("flow \(name), step \(step.name): \(weights.count) weight rows for \(intents) intents")
                }
                for (intent, row) in weights.enumerated() {
                    if row.count != targets.count || row.contains(where: { !($0 >= 0) }) {
                        out.append("flow \(name), step \(step.name): bad weights for intent #\(intent)")
                    } else if row.reduce(0, +) <= 0 {
                        out.append("flow \(name), step \(step.name): intent #\(intent) has nowhere to go")
                    }
                }
            case .hours(let open, let whenOpen, let whenClosed):
                check(whenOpen, step)
                check(whenClosed, step)
                if open.count != intervals {
                    out.append("flow \(name), step \(step.name): calendar covers \(open.count) of \(intervals) intervals")
                }
            case .relabel(let map, let next):
                check(next, step)
                if map.count != intents || map.contains(where: { !(0..<intents).contains($0) }) {
                    out.append("flow \(name), step \(step.name): the relabelling table does not map every caller type")
                }
            case .queue(let q):
                if !(0..<queues).contains(q) { out.append("flow \(name), step \(step.name): no queue #\(q)") }
            case .finish(let outcome):
                if outcome == .queued || outcome == .hungUp {
                    out.append("flow \(name), step \(step.name): a flow cannot finish as '\(outcome)'")
                }
            }
        }
        return out
    }
}

/// One step of a compiled flow.
package struct FlowStep: Sendable, Equatable {
    package var name: String
    /// Time the caller spends in this step.
    package var duration: Distribution
    /// Probability that the caller hangs up during a visit to this step (at the end of the time drawn).
    package var hangUp: Double
    package var action: Action
    /// On a finish step: the share of callers ending here who call again later, and after how long.
    package var callBack: CallBack?
    /// On a queue step: the call's priority class in that queue (higher is served first).
    package var callPriority = 0
    /// The node this step belongs to, as the index of the node's first step (`nil`: a node of its own). A menu's
    /// attempts and retry prompts are steps of one node; visits, time and hang-ups are counted per node.
    package var node: Int?
    /// On a route step where the caller decides (a menu attempt, a speech prompt, a self-service task, a signpost):
    /// which input takes which target. A caller from the caller model draws the target by `weights` instead.
    package var input: StepInput?
    /// On a play step a caller may cut short: how long it lasts for a caller on the telephone, who hears the whole
    /// prompt (the caller model's barge-in share is for modelled callers and those driven through the API).
    package var heardDuration: Double?

    package enum Action: Sendable, Equatable {
        /// On to one of `targets`, with weights that depend on the caller's intent: `weights[intent][i]` for
        /// `targets[i]` (need not sum to one). Menus, speech recognition with its confusion, self-service completion
        /// and signposting all compile to this.
        case route(targets: [Int], weights: [[Double]])
        /// To `whenOpen` if the calendar is open in the current interval (`open[interval]`), else `whenClosed`.
        case hours(open: [Bool], whenOpen: Int, whenClosed: Int)
        /// The caller's type changes (a `set` node: an attribute takes a new value): `map[type]` is the new type; then
        /// on to `next`.
        case relabel(map: [Int], next: Int)
        /// Into a queue of the model.
        case queue(Int)
        /// Out of the flow with an outcome.
        case finish(FlowOutcome)
    }

    package init(name: String, duration: Distribution = .deterministic(0), hangUp: Double = 0, action: Action) {
        self.name = name
        self.duration = duration
        self.hangUp = hangUp
        self.action = action
    }
}

/// What a caller can do at a step that waits for them, and where each answer leads.
package struct StepInput: Sendable, Equatable {
    package enum Kind: String, Sendable, Equatable, Codable {
        /// Keypad digits (a menu).
        case keys
        /// Speech (a speech menu): an intent's name or one of its phrases.
        case speech
        /// A word naming the outcome (`done`/`failed` for self-service, `satisfied`/`continue` for a signpost).
        case choice
    }

    package var kind: Kind
    /// Per route target, the inputs that take it (compared without regard to case).
    package var labels: [[String]]
    /// The target silence takes, and the target input that matches no label takes; `nil` refuses such input.
    package var silence: Int?
    package var noMatch: Int?

    package init(kind: Kind, labels: [[String]], silence: Int? = nil, noMatch: Int? = nil) {
        self.kind = kind
        self.labels = labels
        self.silence = silence
        self.noMatch = noMatch
    }

    /// The route target `input` takes, or `nil` when this step cannot take it.
    package func target(for input: CallerInput) -> Int? {
        switch (kind, input) {
        case (_, .silence): return silence
        case (.keys, .key(let key)), (.speech, .phrase(let key)), (.choice, .key(let key)), (.choice, .phrase(let key)):
            let wanted = key.lowercased()
            return labels.firstIndex { $0.contains { $0.lowercased() == wanted } } ?? noMatch
        case (.keys, .phrase), (.speech, .key):
            return nil
        }
    }

    /// What the step expects, for error messages: `a key (1, 2, 3) or silence`.
    package var expected: String {
        let words = labels.flatMap { $0.prefix(1) }.joined(separator: ", ")
        let silent = silence != nil ? " or silence" : ""
        switch kind {
        case .keys: return "a key (\(words))\(silent)"
        case .speech: return "a phrase (\(words))\(silent)"
        case .choice: return "one of \(words)"
        }
    }
}

/// What a live caller does at a step that waits for them.
package enum CallerInput: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Keypad digits.
    case key(String)
    /// Something said (or, at a choice, a word naming the outcome).
    case phrase(String)
    /// Nothing before the timeout.
    case silence

    package var description: String {
        switch self {
        case .key(let k): "key \(k)"
        case .phrase(let p): "'\(p)'"
        case .silence: "silence"
        }
    }
}

/// Callers who were helped in the IVR (or told where to go) but call again later, as the flow states.
package struct CallBack: Sendable, Equatable {
    package var share: Double
    package var delay: Distribution

    package init(share: Double, delay: Distribution) {
        self.share = share
        self.delay = delay
    }
}

/// How a caller's time in the flow ended.
package enum FlowOutcome: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Joined a queue for an agent.
    case queued
    /// Completed their task in the IVR (self-service).
    case selfServed
    /// Satisfied by a message (signposted to the website, web chat, another number) and hung up.
    case deflected
    /// Sent to another number or service outside the centre.
    case transferred
    /// Called outside opening hours and was told so.
    case closed
    /// Hung up inside the IVR before reaching any of the above.
    case hungUp

    package var description: String {
        switch self {
        case .queued: "queued"
        case .selfServed: "self-served"
        case .deflected: "deflected"
        case .transferred: "transferred"
        case .closed: "closed"
        case .hungUp: "hung-up"
        }
    }
}

/// Callers who dial a number: their arrivals, what they want, and the flow that answers them.
package struct Entry: Sendable, Equatable {
    package var name: String
    /// Expected calls per interval, like a queue's.
    package var volumes: [Double]
    /// Index into the model's flows.
    package var flow: Int
    /// Share of callers with each of the model's intents (need not sum to one).
    package var intentMix: [Double]

    package init(name: String, volumes: [Double], flow: Int, intentMix: [Double]) {
        self.name = name
        self.volumes = volumes
        self.flow = flow
        self.intentMix = intentMix
    }
}
