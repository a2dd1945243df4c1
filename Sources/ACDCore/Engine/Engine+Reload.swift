extension FlowPlan {
    /// Adds another model's compiled flows after these: their steps, routing tables and calendars move up by what is
    /// here, and entries lead into the added flows. Steps already here stay where they are, so calls on them go on
    /// as before.
    mutating func append(_ other: FlowPlan) {
        let stepBase = Int32(steps.count)
        let exitBase = Int32(exitCount)
        let targetBase = Int32(targets.count)
        let cumulativeBase = Int32(cumulative.count)
        let openBase = Int32(open.count)
        let relabelBase = Int32(relabel.count)
        let flowOffset = Int32(flowBase.count)
        for var step in other.steps {
            step.node += stepBase
            step.flow += flowOffset
            switch step.kind {
            case .route:
                step.branchBase += exitBase
                step.targetBase += targetBase
                step.tableBase += cumulativeBase
            case .hours:
                step.branchBase += exitBase
                step.tableBase += openBase
                step.first += stepBase
                step.second += stepBase
            case .relabel:
                step.branchBase += exitBase
                step.tableBase += relabelBase
                step.first += stepBase
            case .queue, .finish:
                break
            }
            steps.append(step)
        }
        durations += other.durations
        inputs += other.inputs
        heardDurations += other.heardDurations
        callBacks += other.callBacks
        repeatWindow += other.repeatWindow
        flowPatience += other.flowPatience
        flowBase += other.flowBase.map { $0 + Int(stepBase) }
        targets += other.targets.map { $0 + stepBase }
        cumulative += other.cumulative
        open += other.open
        relabel += other.relabel
        exitCount += other.exitCount
        entryFlow = ContiguousArray(other.entryFlow.map { $0 + Int(stepBase) })
        entryIntentCumulative = other.entryIntentCumulative
    }
}

extension Engine {
    /// Takes `newModel`'s flows for calls placed from now on; calls in progress finish on the steps they are on.
    /// The new model must have the same queues, groups, entries, caller types and period (only flows change
    /// this way: prompts, menus, routing, hours and the entries' intent mix); otherwise nothing changes.
    package mutating func reloadFlows(from newModel: CentreModel) throws(LiveError) {
        func same<T: Equatable>(_ what: String, _ a: [T], _ b: [T]) throws(LiveError) {
            guard a == b else {
                throw LiveError(.badValue, "the \(what) changed; reloading changes flows only (restart for this)")
            }
        }
        try same("queues", model.queues.map(\.name), newModel.queues.map(\.name))
        try same("agent groups", model.groups.map(\.name), newModel.groups.map(\.name))
        try same("entries", model.entries.map(\.name), newModel.entries.map(\.name))
        try same("caller types", model.intents, newModel.intents)
        try same(
            "period", [model.intervalLength, Double(model.intervalCount)],
            [newModel.intervalLength, Double(newModel.intervalCount)])
        guard newModel.problems().isEmpty else {
            throw LiveError(.badValue, "the new model is invalid: \(newModel.problems().joined(separator: "; "))")
        }
        let oldSteps = flowPlan.steps.count
        let oldExits = flowPlan.exitCount
        flowPlan.append(FlowPlan(model: newModel))
        var merged = model
        let flowOffset = merged.flows.count
        merged.flows += newModel.flows
        merged.entries = newModel.entries.map { entry in
            var entry = entry
            entry.flow += flowOffset
            return entry
        }
        var tallies = FlowTallies(model: merged, plan: flowPlan)
        tallies.steps.replaceSubrange(0..<oldSteps, with: flowTallies.steps)
        tallies.exits.replaceSubrange(0..<oldExits, with: flowTallies.exits)
        tallies.callers = flowTallies.callers
        tallies.outcomes = flowTallies.outcomes
        tallies.timeInFlow = flowTallies.timeInFlow
        tallies.flowTimes = flowTallies.flowTimes
        tallies.repeatCallers = flowTallies.repeatCallers
        tallies.misrouted = flowTallies.misrouted
        tallies.selfServedCallingBack = flowTallies.selfServedCallingBack
        tallies.deflectedCallingBack = flowTallies.deflectedCallingBack
        tallies.queueArrivalsByIntent = flowTallies.queueArrivalsByIntent
        tallies.typeCounts = flowTallies.typeCounts
        flowTallies = tallies
        model = merged
        reloads += 1
    }
}
