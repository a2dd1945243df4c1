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
