/// What a modelled caller does at a step where the live engine waits for their input: after how long, and with what
/// input, or a hang-up. callgen drives external callers with it, so the daemon hears keys, phrases and hang-ups as the
/// caller model would give them.
package struct CallerMove: Sendable, Equatable {
    /// Engine seconds the caller spends at the step (the prompt, then their answer) before the input or hang-up.
    package var after: Double
    /// What they answer; `nil`: they hang up.
    package var input: CallerInput?
}

extension FlowProgram {
    /// The caller's move at `step` as type `intent` at `t`, drawn from `draws` as the simulator's walk
    /// (``drawnWalk(entry:intent:at:deadline:draws:)``) draws it: the step's duration, its hang-up chance, the end of
    /// their IVR patience (`deadline`), then the branch the caller model gives their type, and the input that takes
    /// it.
    package func move(
        atStep step: Int, intent: Int, at t: Double, deadline: Double, draws: inout RandomStream
    )
        -> CallerMove
    {
        let duration = plan.durations[step].sample(&draws)
        let hangsUp = plan.steps[step].hangUp > 0 && draws.uniform() < plan.steps[step].hangUp
        if hangsUp || deadline < t + duration {
            return CallerMove(after: max(0, min(duration, deadline - t)), input: nil)
        }
        let branch = plan.drawBranch(step, intent: intent, u: draws.uniform())
        return CallerMove(after: duration, input: plan.inputs[step]?.input(for: branch) ?? .silence)
    }

    /// The end of the IVR patience of a caller who dials entry `e` at `t`.
    package func ivrDeadline(entry e: Int, at t: Double, draws: inout RandomStream) -> Double {
        let flow = Int(plan.steps[plan.entryFlow[e]].flow)
        return t + (plan.flowPatience[flow]?.sample(&draws) ?? .infinity)
    }
}

extension StepInput {
    /// An input that takes route target `branch`: its first label, silence, or for the no-match target an input no
    /// label matches; `nil` if no input takes it.
    package func input(for branch: Int) -> CallerInput? {
        if branch < labels.count, let label = labels[branch].first {
            return kind == .keys ? .key(label) : .phrase(label)
        }
        if branch == silence { return .silence }
        guard branch == noMatch else { return nil }
        let taken = Set(labels.joined().map { $0.lowercased() })
        switch kind {
        case .keys:
            return ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"].first { !taken.contains($0) }.map {
                .key($0)
            }
        case .speech, .choice: return .phrase("mumble")
        }
    }
}

/// One step of a telephone caller's walk, as the caller sees it from their end of the line (callgen over SIP): how
/// long they spend at the step, what they send at its end, and where the flow takes them next.
package struct TelephoneStep: Sendable, Equatable {
    package enum End: Sendable, Equatable {
        /// The flow puts the caller in queue `q`.
        case queue(Int)
        /// The flow ends the call itself (``FlowProgram/outcome(at:)``: `self-served`, `deflected`, ...).
        case finish(String)
    }
    /// Engine seconds at the step before the caller acts or the flow moves them on.
    package var after: Double
    /// The input the caller gives at the end (a key, a phrase, silence), if the step waits for one; the kind of input
    /// the step takes, and the route target the input picks (0 for a choice's first outcome).
    package var input: CallerInput?
    package var kind: StepInput.Kind?
    package var branch = 0
    /// The caller hangs up at the end instead (their IVR patience ran out, or the step's hang-up chance).
    package var hangsUp = false
    /// The step that follows; `nil` where the walk ends (`end`) or the caller hangs up.
    package var next: Int?
    package var end: End?
    /// The node the step belongs to, and whether the caller enters it here (a visit the daemon records).
    package var node: Int
    package var startsVisit: Bool
}

extension FlowProgram {
    /// The step `step` of a telephone caller of type `intent` at `t`, drawn from `draws` as
    /// ``drawnWalk(entry:intent:at:deadline:draws:)`` draws it, with two differences a telephone makes: a timed step
    /// lasts its prompt's whole length where it has one (the daemon plays prompts whole to a telephone caller), and
    /// at a step that waits for input the move is ``move(atStep:intent:at:deadline:draws:)``'s, whose input then
    /// picks the branch. `node` is the node the caller was in before (-1 at the start).
    package func telephoneStep(
        at step: Int, intent: inout Int, at t: Double, deadline: Double, node: Int, draws: inout RandomStream
    ) -> TelephoneStep {
        let head = plan.node(of: step)
        var result = TelephoneStep(after: 0, node: head, startsVisit: plan.startsVisit(step, inNode: node))
        let kind = plan.steps[step].kind
        if kind == .queue {
            result.end = .queue(Int(plan.steps[step].first))
            return result
        }
        if kind == .finish {
            result.end = .finish(outcome(at: step))
            return result
        }
        let branch: Int
        if let spec = plan.inputs[step] {
            let move = move(atStep: step, intent: intent, at: t, deadline: deadline, draws: &draws)
            result.after = move.after
            guard let input = move.input else {
                result.hangsUp = true
                return result
            }
            result.input = input
            result.kind = spec.kind
            branch = spec.target(for: input) ?? 0
            result.branch = branch
        } else {
            let duration = plan.heardDurations[step] ?? plan.durations[step].sample(&draws)
            let hangsUp = plan.steps[step].hangUp > 0 && draws.uniform() < plan.steps[step].hangUp
            if hangsUp || deadline < t + duration {
                result.after = max(0, min(duration, deadline - t))
                result.hangsUp = true
                return result
            }
            result.after = duration
            branch = kind == .route ? plan.drawBranch(step, intent: intent, u: draws.uniform()) : 0
        }
        let interval = min(Int((t + result.after) / model.intervalLength), model.intervalCount - 1)
        result.next = plan.follow(step, intent: &intent, branch: branch, interval: max(0, interval)).next
        return result
    }

    /// The name of node `node` as the daemon's records give it (`flow/node`).
    package func nodeName(_ node: Int) -> String { model.flowNodeName(Int32(node)) }
}
