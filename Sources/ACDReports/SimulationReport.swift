import ACDCore
import Foundation
import IVRFlows

/// Renders a ``Summary`` of a scenario run as a table, JSON or CSV.
package struct SimulationReport {
    package let scenario: Scenario
    package let summary: Summary
    package let seed: UInt64
    /// Wall-clock seconds the simulation took, if measured.
    package var elapsed: Double?

    package init(scenario: Scenario, summary: Summary, seed: UInt64, elapsed: Double? = nil) {
        self.scenario = scenario
        self.summary = summary
        self.seed = seed
        self.elapsed = elapsed
    }

    /// Calls reaching each queue from flows, by intent (caller types of one intent added up), per replication.
    func arrivalsByIntent() -> (names: [String], perQueue: [[Estimate]]) {
        let names = scenario.intents.isEmpty ? summary.model.intents : scenario.intents
        let typeIntent = scenario.typeIntent.isEmpty ? Array(summary.model.intents.indices) : scenario.typeIntent
        let perQueue = summary.model.queues.indices.map { q in
            names.indices.map { k in
                Estimate(
                    summary.results.map { result in
                        Double(
                            typeIntent.indices.filter { typeIntent[$0] == k }
                                .reduce(0) { $0 + result.flows.queueArrivalsByIntent[q][$1] })
                    })
            }
        }
        return (names, perQueue)
    }

    // MARK: JSON

    /// The JSON document (docs/results.md) as one string; `writeJSON` streams it instead.
    package func json(intervals: Bool = false) throws -> String {
        var data = Data()
        try writeJSON(intervals: intervals) { data += $0 }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: CSV

    /// One row per queue (or per queue and interval) and metric: mean, half-width, target and verdict,
    /// spreadsheet-ready.
    package func csv(intervals: Bool = false) -> String {
        var out = intervals ? "queue,interval,label," : "queue,"
        out += "metric,mean,half_width,target,verdict\n"
        func rows(_ prefix: String, _ estimates: [Estimate], _ targets: Targets) {
            for (metric, e) in zip(QueueMetric.allCases, estimates) where !intervals || metric.isPerInterval {
                let target = targets.value(of: metric).map(csvNumber) ?? ""
                let verdict = targets.verdict(metric, e)?.label ?? ""
                out +=
                    "\(prefix)\(metric.rawValue),\(csvNumber(e.mean)),\(csvNumber(e.halfWidth)),\(target),\(verdict)\n"
            }
        }
        if intervals {
            for (q, queue) in summary.queues.enumerated() {
                for (i, estimates) in summary.intervalMetrics(queue: q).enumerated() {
                    rows("\(csvField(queue.name)),\(i),\(scenario.intervalLabel(i)),", estimates, queue.targets)
                }
            }
            return out
        }
        for queue in summary.queues + [summary.total] {
            rows("\(csvField(queue.name)),", queue.estimates, queue.targets)
        }
        for group in summary.groups {
            out += "\(csvField(group.name)),occupancy,\(csvNumber(group.occupancy.mean)),"
            out += "\(csvNumber(group.occupancy.halfWidth)),,\n"
            out += "\(csvField(group.name)),overtime_hours,\(csvNumber(group.overtimeHours.mean)),"
            out += "\(csvNumber(group.overtimeHours.halfWidth)),,\n"
        }
        return out
    }

    // MARK: Formatting

    func pm(_ e: Estimate, _ format: String, scale: Double = 1) -> String {
        let mean = String(format: format, e.mean * scale)
        guard e.replications > 1, e.halfWidth.isFinite else { return mean }
        return mean + " ±" + String(format: format, e.halfWidth * scale)
    }

    func count(_ e: Estimate) -> String { pm(e, "%.0f") }
    func seconds(_ e: Estimate) -> String { pm(e, "%.1f") }
    func percent(_ e: Estimate) -> String { pm(e, "%.2f", scale: 100) }
    func oneDecimal(_ e: Estimate) -> String { pm(e, "%.1f") }
    func trim(_ x: Double) -> String {
        x.rounded() == x ? String(Int(x)) : String(format: "%g", x)
    }
}

func csvNumber(_ x: Double) -> String { x.isFinite ? String(x) : "" }
