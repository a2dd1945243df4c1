/// What one replication produced: tallies per queue and group, per interval and in total.
package struct ReplicationResult: Sendable {
    package var replication: Int
    package var queueIntervals: [QueueTally]
    package var groupIntervals: [GroupTally]
    package var queueTotals: [QueueTally]
    package var groupTotals: [GroupTally]
    package var histograms: [WaitHistogram]
    /// What the IVR/EVR flows did (empty for a model without flows).
    package var flows: FlowTallies
    package var events: Int
    package var calls: Int
    /// Why the replication stopped early, if it did (queues without capacity grew without limit).
    package var fault: EngineFault?

    package init(engine: Engine, replication: Int) {
        let model = engine.model
        let intervals = model.intervalCount
        self.replication = replication
        queueIntervals = Array(engine.queueTallies)
        groupIntervals = Array(engine.groupTallies)
        queueTotals = engine.queueTotals(intervals: 0..<intervals)
        groupTotals = model.groups.indices.map { g in
            var total = GroupTally()
            for i in 0..<intervals { total.add(engine.groupTallies[g * intervals + i]) }
            return total
        }
        histograms = engine.waitHistograms
        flows = engine.flowTallies
        events = engine.eventsProcessed
        calls = engine.nextSerial
        fault = engine.fault
    }

    /// The metrics of queue `q` over the run.
    /// The metrics of queue `q` over the run; its deflection counts the caller types it serves (all when it lists
    /// none).
    package func queueMetrics(_ q: Int, model: CentreModel) -> QueueMetrics {
        var m = QueueMetrics(tally: queueTotals[q], definitions: model.definitions, histogram: histograms[q])
        let serves = model.queues[q].serves
        m.addDeflection(flows, types: serves.isEmpty ? nil : serves)
        return m
    }

    /// The metrics of all queues together over the run ("All queues"): their tallies and waits added up, and every
    /// flow caller's deflection.
    package func totalMetrics(model: CentreModel) -> QueueMetrics {
        var tally = QueueTally()
        var histogram = WaitHistogram()
        for q in model.queues.indices {
            tally.add(queueTotals[q])
            histogram.add(histograms[q])
        }
        var metrics = QueueMetrics(tally: tally, definitions: model.definitions, histogram: histogram)
        metrics.addDeflection(flows, types: nil)
        return metrics
    }
}
