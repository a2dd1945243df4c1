/// How an engine runs: a simulation of the period (the default), or a live engine with no end date.
package struct EngineOptions: Sendable, Equatable {
    /// Whether the model's own callers arrive (its queues' and entries' volumes). A live engine that takes every
    /// call from outside runs without them.
    package var arrivals = true
    /// No end date: the period repeats (see ``Engine/cycle``), nothing is cut off at its end, no warm-up.
    package var endless = false
    /// Call slots at most before the run stops with an ``EngineFault``. Queue capacities keep real runs far below.
    package var maxCallSlots = 4_000_000

    package init(arrivals: Bool = true, endless: Bool = false) {
        self.arrivals = arrivals
        self.endless = endless
    }

    /// The intervals of one turn of a repeating period: whole weeks if it holds one, else whole days, else all of it.
    package static func cycle(of model: CentreModel) -> Int {
        let week = Int((7 * 86400 / model.intervalLength).rounded())
        let day = Int((86400 / model.intervalLength).rounded())
        if model.intervalCount >= week, Double(week) * model.intervalLength == 7 * 86400 {
            return model.intervalCount / week * week
        }
        if model.intervalCount >= day, Double(day) * model.intervalLength == 86400 {
            return model.intervalCount / day * day
        }
        return model.intervalCount
    }
}

/// Why a run stopped before its end: more calls at once than memory should hold.
package struct EngineFault: Error, Sendable, Equatable, CustomStringConvertible {
    /// The queue with the most calls waiting when the run stopped.
    package var queue: QueueID
    /// Simulated seconds from the start.
    package var time: Double
    /// Calls in the system.
    package var calls: Int

    package var description: String {
        "\(calls) calls in the system at once at t = \(Int(time)) s, most of them waiting in queue #\(queue.rawValue): "
            + "the queues grow without limit (give the queue a capacity, or agents)"
    }
}
