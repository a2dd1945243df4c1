/// Every call of one replication counted once, by how it finally ended: the way a centre reports its year
/// (docs/metrics.md, "Centre totals"). Gross calls = answered by the IVR + answered by staff + abandoned + calls still
/// in progress when the period ends.
package struct CentreTotals: Sendable, Equatable {
    /// Calls into the entries (numbers dialled), plus calls offered straight to queues (their own arrivals and
    /// redials). Transfers after a misroute are the same call and are not counted again.
    package var grossCalls = 0.0
    /// Self-served, deflected, told the line is closed, or transferred out of the centre by the IVR.
    package var answeredByIVR = 0.0
    /// Answered by an agent at a queue that serves them (a misrouted call counts where it is finally answered).
    package var answeredByStaff = 0.0
    /// Hung up in the IVR.
    package var abandonedInIVR = 0.0
    /// Hung up while waiting in a queue (short abandons and balks included).
    package var abandonedInQueue = 0.0
    /// Calls offered to a queue for the first time (no transfers).
    package var offeredToQueues = 0.0

    package var abandoned: Double { abandonedInIVR + abandonedInQueue }

    package init(result: ReplicationResult, model: CentreModel) {
        let flows = result.flows
        var transfers = 0
        var offered = 0
        for tally in result.queueTotals {
            answeredByStaff += Double(tally.answered - tally.misrouted)
            abandonedInQueue += Double(tally.abandoned + tally.shortAbandoned)
            transfers += tally.misrouted
            offered += tally.offered
        }
        var callers = 0
        var queuedFromFlows = 0
        for e in model.entries.indices {
            let outcomes = flows.outcomes[e]
            callers += flows.callers[e]
            queuedFromFlows += outcomes[Int(FlowOutcome.queued.rawValue)]
            for o in [FlowOutcome.selfServed, .deflected, .closed, .transferred] {
                answeredByIVR += Double(outcomes[Int(o.rawValue)])
            }
            abandonedInIVR += Double(outcomes[Int(FlowOutcome.hungUp.rawValue)])
        }
        offeredToQueues = Double(offered - transfers)
        // Calls offered to queues that did not come through a flow: the queues' own arrivals and redials.
        grossCalls = Double(callers + offered - transfers - queuedFromFlows)
    }
}
