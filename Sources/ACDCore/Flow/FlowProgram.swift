/// A model's flows as the engine runs them, for walking one caller at a time outside a simulation: scripted test
/// calls (`acdd flows test`) and checks that the simulator's precomputed paths agree with a step-by-step walk.
///
/// Every move is ``FlowPlan/follow(_:intent:branch:interval:)``, the one the simulator and the live engine make, so
/// what a scripted call shows is what the simulator and the daemon run.
package struct FlowProgram: Sendable {
    let plan: FlowPlan
    package let model: CentreModel

    package init(model: CentreModel) {
        self.model = model
        plan = FlowPlan(model: model)
    }

    /// The global index of flow `f`'s first step.
    package func entryStep(flow f: Int) -> Int { plan.flowBase[f] + model.flows[f].entry }

    /// The global index of step `s` of flow `f`.
    package func step(flow f: Int, local s: Int) -> Int { plan.flowBase[f] + s }

    /// Walks a caller of type `type` through flow `f` at period interval `interval` (a scripted call takes no time),
    /// taking one of `inputs` at every step where the caller decides: a key for a menu (`""` for silence), an intent
    /// or phrase for speech (`""` for nothing recognised), a word for a choice (`done`, `satisfied`, ...). Where the
    /// caller decides nothing, they take the way their type leads (branches on the caller).
    package func script(flow f: Int, type: Int, interval: Int, inputs: [String]) -> ScriptedWalk {
        var walk = ScriptedWalk()
        var step = entryStep(flow: f)
        var intent = type
        var node = -1
        var remaining = inputs[...]
        for _ in 0..<10_000 {
            let head = plan.node(of: step)
            if plan.startsVisit(step, inNode: node) {
                if node >= 0 { walk.transitions.append((node, head)) }
                walk.path.append(head)
                node = head
            }
            let kind = plan.steps[step].kind
            if kind == .queue || kind == .finish {
                walk.end = step
                walk.unusedInputs = Array(remaining)
                return walk
            }
            var branch = 0
            if let spec = plan.inputs[step] {
                guard let text = remaining.popFirst() else {
                    walk.failure = "the script has no input left for '\(model.flowNodeName(Int32(head)))'"
                    return walk
                }
                let input = CallerInput(scripted: text, kind: spec.kind)
                guard let target = spec.target(for: input) else {
                    walk.failure = "'\(model.flowNodeName(Int32(head)))' takes \(spec.expected), not \(input)"
                    return walk
                }
                branch = target
            } else if kind == .route {
                branch = plan.likeliestBranch(step, intent: intent)
            }
            let next = plan.follow(step, intent: &intent, branch: branch, interval: interval).next
            // An outcome inside the node (a signpost's deflection, a self-service completion) is a transition too.
            if plan.node(of: next) == node && next != node && plan.steps[next].kind == .finish {
                walk.outcomeStep = next
            }
            step = next
        }
        walk.failure = "the flow loops for 10,000 steps without ending"
        return walk
    }

    /// Where a caller who dials entry `e` as type `intent` at time `t` leaves the flow, walking one step at a time
    /// and drawing every choice, duration and hang-up from `draws` and their IVR patience's end `deadline`, in the
    /// order the simulator draws them. For checking the simulator's precomputed paths against this walk.
    package func drawnWalk(
        entry e: Int, intent start: Int, at t: Double, deadline: Double, draws: inout RandomStream
    )
        -> (path: [Int], end: Int, hungUp: Bool, leaves: Double, intent: Int)
    {
        var step = plan.entryFlow[e]
        var intent = start
        var clock = t
        var path: [Int] = []
        var node = -1
        for _ in 0..<10_000 {
            if plan.startsVisit(step, inNode: node) {
                node = plan.node(of: step)
                path.append(node)
            }
            let duration = plan.durations[step].sample(&draws)
            let hangsUp = plan.steps[step].hangUp > 0 && draws.uniform() < plan.steps[step].hangUp
            let spent = deadline < clock + duration ? deadline - clock : duration
            clock += spent
            if hangsUp || spent < duration { return (path, step, true, clock, intent) }
            let kind = plan.steps[step].kind
            if kind == .queue || kind == .finish { return (path, step, false, clock, intent) }
            let branch = kind == .route ? plan.drawBranch(step, intent: intent, u: draws.uniform()) : 0
            let interval = Int(clock / model.intervalLength)
            step =
                plan.follow(step, intent: &intent, branch: branch, interval: min(interval, model.intervalCount - 1))
                .next
        }
        return (path, step, true, clock, intent)
    }

    /// A new caller at entry `e` at time `t`: their type and the end of their IVR patience, drawn from `draws` (the
    /// entry's caller stream) as the simulator draws them.
    package func drawCaller(entry e: Int, at t: Double, draws: inout RandomStream) -> (intent: Int, deadline: Double) {
        let intent = plan.intent(entry: e, u: draws.uniform())
        let flow = Int(plan.steps[plan.entryFlow[e]].flow)
        return (intent, t + (plan.flowPatience[flow]?.sample(&draws) ?? .infinity))
    }

    /// The outcome at a flow's end step: `queued QUEUE`, `self-served`, `deflected`, `transferred` or `closed`.
    package func outcome(at step: Int) -> String {
        let s = plan.steps[step]
        switch s.kind {
        case .queue: return "queued \(model.queues[Int(s.first)].name)"
        case .finish: return FlowOutcome(rawValue: UInt8(s.first)).map(\.description) ?? "?"
        default: return "?"
        }
    }

    /// Every node a caller can enter in flow `f` and every transition between nodes, walking the compiled steps from
    /// the flow's entry over every way each step can go (``FlowPlan/successors(of:)``), with the moves
    /// ``script(flow:type:interval:inputs:)`` records: a visit starts at a node's first step or another node's step,
    /// and an outcome a node ends in by itself (a finish step inside it) is a transition to that step. Steps are
    /// global indices (``stepName(_:)`` names them); sorted, so two walks compare directly.
    package func reach(flow f: Int) -> (nodes: [Int], transitions: [(from: Int, to: Int)]) {
        let entry = entryStep(flow: f)
        var nodes: Set<Int> = [plan.node(of: entry)]
        var transitions = Set<[Int]>()
        var seen: Set<Int> = [entry]
        var stack = [entry]
        while let s = stack.popLast() {
            let head = plan.node(of: s)
            for t in plan.successors(of: s) {
                if plan.startsVisit(t, inNode: head) {
                    nodes.insert(plan.node(of: t))
                    transitions.insert([head, plan.node(of: t)])
                } else if plan.steps[t].kind == .finish {
                    nodes.insert(t)
                    transitions.insert([head, t])
                }
                if seen.insert(t).inserted { stack.append(t) }
            }
        }
        return (nodes.sorted(), transitions.sorted { $0.lexicographicallyPrecedes($1) }.map { ($0[0], $0[1]) })
    }

    /// The name of a step (a node's first step gives the node's name).
    package func stepName(_ step: Int) -> String {
        let f = Int(plan.steps[step].flow)
        return model.flows[f].steps[step - plan.flowBase[f]].name
    }
}

/// One scripted caller's walk: nodes entered (global first-step indices), transitions between nodes, where it ended.
package struct ScriptedWalk: Sendable {
    package var path: [Int] = []
    package var transitions: [(from: Int, to: Int)] = []
    /// The finish step inside the last node the call ended on (a signpost's `deflected`), if it ended inside one.
    package var outcomeStep: Int?
    /// The queue or finish step the walk ended at; `nil` if it failed.
    package var end: Int?
    package var unusedInputs: [String] = []
    package var failure: String?
}

extension CallerInput {
    /// A scripted call's input as the step of `kind` reads it: `""` is silence.
    package init(scripted text: String, kind: StepInput.Kind) {
        if text.isEmpty {
            self = .silence
        } else {
            self = kind == .keys ? .key(text) : .phrase(text)
        }
    }
}
