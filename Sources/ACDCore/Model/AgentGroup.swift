/// Agents who share skills, a wrap-up time and a rota.
package struct AgentGroup: Sendable, Equatable {
    package var name: String
    package var skills: [Skill]
    /// After-call work following every answered call.
    package var wrapUp: Distribution
    /// Agents on shift in each interval of the period.
    package var rota: Rota
    /// When the rota drops to nobody (the end of the day), agents still on calls answer the callers left waiting for
    /// them before they leave, as overtime, instead of leaving those callers to wait for the next shift.
    package var clearsQueueAtClose: Bool
    /// Agents are people working through the live engine's commands (log in, ready, end talk), not the rota's
    /// simulated head count. A model may mix simulated and external groups.
    package var external = false

    package init(
        name: String, skills: [Skill], wrapUp: Distribution = .deterministic(0), rota: Rota,
        clearsQueueAtClose: Bool = false
    ) {
        self.name = name
        self.skills = skills
        self.wrapUp = wrapUp
        self.rota = rota
        self.clearsQueueAtClose = clearsQueueAtClose
    }
}

/// A group's ability to answer a queue.
package struct Skill: Sendable, Equatable {
    /// Index of the queue in the model.
    package var queue: Int
    /// 1 is the best; an arriving call goes to the best level that has an idle agent, and a freed agent serves its
    /// best-level queues first.
    package var level: Int
    /// Seconds a call must have waited before this group may take it: 0 for the queue's own agents, more for an
    /// overflow tier.
    package var delay: Double

    package init(queue: Int, level: Int = 1, delay: Double = 0) {
        self.queue = queue
        self.level = level
        self.delay = delay
    }
}

/// Headcount on shift per interval. Agents whose shift ends mid-call finish the call and its wrap-up first.
package struct Rota: Sendable, Equatable {
    package var headcount: [Int]

    package init(headcount: [Int]) { self.headcount = headcount }

    /// The same headcount in every one of `intervals` intervals.
    package static func constant(_ agents: Int, intervals: Int) -> Rota {
        Rota(headcount: Array(repeating: agents, count: intervals))
    }

    package var peak: Int { headcount.max() ?? 0 }
}
