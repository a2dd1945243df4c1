/// What the live engine reads of the engine's state for snapshots: waiting calls, agents by state, calls in flight,
/// and a day's tallies. None of it is on the routing path.
extension Engine {
    /// Calls waiting in queue `q`.
    package func waitingCalls(queue q: QueueID) -> Int { waitingCount[q.index] }

    /// How long the longest-waiting call of queue `q` has waited at time `t` (0 when none waits).
    package func longestWait(queue q: QueueID, at t: Double) -> Double {
        guard waitingCount[q.index] > 0 else { return 0 }
        var oldest = Double.infinity
        for ring in ringBase[q.index]..<(ringBase[q.index] + priorityClasses[q.index]) {
            let r = waiting[ring]
            for i in 0..<r.count {
                let (c, generation) = r[i]
                guard calls[Int(c)].generation == generation, calls[Int(c)].state == .waiting else { continue }
                oldest = min(oldest, calls[Int(c)].arrival)
                break
            }
        }
        return oldest.isFinite ? max(0, t - oldest) : 0
    }

    /// Agents of each group by activity: `[group][activity.rawValue]`.
    /// Call slots in use: calls in the system and redials scheduled.
    package var callsInUse: Int { calls.count - freeCalls.count }

    package func agentsByActivity() -> [[Int]] {
        var out = Array(repeating: Array(repeating: 0, count: AgentActivity.allCases.count), count: groupCount)
        for agent in agents { out[Int(agent.group)][Int(agent.activity.rawValue)] += 1 }
        return out
    }

    /// Groups that answer queue `q` (at once or as an overflow tier).
    package func groupsServing(queue q: QueueID) -> [GroupID] {
        (eligibilityStart[q.index]..<eligibilityStart[q.index + 1]).map { GroupID(eligibility[$0].group) }
    }

    /// Every call in the system: its id, where it is, and when it was dialled.
    package func callsInFlight() -> [(id: CallID, location: CallLocation, dialled: Double)] {
        var out: [(id: CallID, location: CallLocation, dialled: Double)] = []
        for c in calls.indices where calls[c].state != .free && calls[c].state != .scheduled {
            out.append(
                (CallID(slot: Int32(c), generation: calls[c].generation), location(slot: Int32(c)), calls[c].dialled))
        }
        return out
    }

    /// The queue tallies of intervals `range` of the period, per queue.
    package func queueTallies(intervals range: Range<Int>) -> [[QueueTally]] {
        (0..<queueCount).map { q in
            Array(queueTallies[(q * intervalCount + range.lowerBound)..<(q * intervalCount + range.upperBound)])
        }
    }

    /// Per queue, the sum of its tallies over intervals `range` of the period.
    package func queueTotals(intervals range: Range<Int>) -> [QueueTally] {
        (0..<queueCount).map { q in
            var total = QueueTally()
            for i in range { total.add(queueTallies[q * intervalCount + i]) }
            return total
        }
    }

    /// Intervals `range` of the period start again from zero (a live engine's day is over, and the period will come
    /// round to it again).
    package mutating func resetQueueTallies(intervals range: Range<Int>) {
        for q in 0..<queueCount {
            for i in range { queueTallies[q * intervalCount + i] = QueueTally() }
        }
    }

    /// The records of every call still in the system, as ending now with `outcome` (the engine is stopping), and of
    /// calls whose wrap-up is still running (answered; their wrap-up ends now).
    package func recordsOfCallsInFlight(outcome: CallRecord.Outcome, at t: Double) -> [CallRecord] {
        var out: [CallRecord] = []
        for c in calls.indices where calls[c].state != .free && calls[c].state != .scheduled {
            out.append(record(of: Int32(c), outcome: outcome, at: t))
        }
        for pending in wrapUpRecords {
            guard var finished = pending else { continue }
            finished.wrapUpEnd = t
            out.append(finished)
        }
        return out.sorted { $0.serial < $1.serial }
    }
}
