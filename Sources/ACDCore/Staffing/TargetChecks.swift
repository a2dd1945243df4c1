/// Whether queues meet their targets at a given grain: per interval, over a span, or per cell of a rota. The one
/// place the staffing search, the shift planner and their reports decide "met".
extension Targets {
    /// Whether `m` misses any of the ASA, abandonment and service-level targets.
    package func missed(by m: QueueMetrics) -> Bool {
        missed(asa: m.asa, abandonment: m.abandonment, serviceLevel: m.serviceLevel)
    }

    package func missed(asa: Double, abandonment: Double, serviceLevel: Double) -> Bool {
        if let t = self.asa, asa > t { return true }
        if let t = self.abandonment, abandonment > t { return true }
        if let t = self.serviceLevel, serviceLevel < t.share { return true }
        return false
    }
}

extension Summary {
    /// Per interval, whether queue `q` misses a target there on the mean over replications (false without calls).
    package func intervalsMissing(queue q: Int) -> [Bool] {
        let n = model.intervalCount
        let targets = model.queues[q].targets
        let r = Double(max(1, results.count))
        return (0..<n).map { i in
            var offered = 0.0
            var asa = 0.0
            var abandonment = 0.0
            var sl = 0.0
            for result in results {
                let m = QueueMetrics(tally: result.queueIntervals[q * n + i], definitions: model.definitions)
                offered += m.offered
                asa += m.asa
                abandonment += m.abandonment
                sl += m.serviceLevel
            }
            return offered > 0 && targets.missed(asa: asa / r, abandonment: abandonment / r, serviceLevel: sl / r)
        }
    }

    /// Whether queue `q` misses a target on the calls of `span` in all replications together.
    package func pooledMissing(queue q: Int, span: Range<Int>) -> Bool {
        let n = model.intervalCount
        var tally = QueueTally()
        for result in results { for i in span { tally.add(result.queueIntervals[q * n + i]) } }
        return tally.offered > 0
            && model.queues[q].targets.missed(by: QueueMetrics(tally: tally, definitions: model.definitions))
    }

    /// Per span, the intervals with calls for queue `q`, and how many of them meet its targets on the mean over
    /// replications (the whole period when `spans` is nil).
    package func intervalsMeeting(queue q: Int, spans: [Range<Int>]? = nil) -> [(met: Int, of: Int)] {
        let n = model.intervalCount
        let missing = intervalsMissing(queue: q)
        return (spans ?? [0..<n]).map { span in
            var met = 0
            var of = 0
            for i in span where results.contains(where: { $0.queueIntervals[q * n + i].offered > 0 }) {
                of += 1
                if !missing[i] { met += 1 }
            }
            return (met, of)
        }
    }
}
