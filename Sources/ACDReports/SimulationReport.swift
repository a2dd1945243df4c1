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

    package func json(intervals: Bool = false) -> String {
        var root: [String: Any] = [
            "scenario": scenario.name,
            "file": scenario.file,
            "seed": seed,
            "replications": summary.replications,
            "definitions": [
                "service_level": summary.model.definitions.serviceLevel.rawValue,
                "abandonment": summary.model.definitions.abandonment.rawValue,
                "short_abandon_s": summary.model.definitions.shortAbandonThreshold,
            ],
        ]
        if let elapsed {
            let calls = summary.results.reduce(0) { $0 + $1.calls }
            root["timing"] = ["elapsed_s": elapsed, "calls": calls, "calls_per_second": Double(calls) / elapsed]
        }
        root["queues"] = (summary.queues + [summary.total]).enumerated().map { q, queue in
            var entry: [String: Any] = ["name": queue.name]
            entry["metrics"] = metricsJSON(queue.estimates, queue.targets)
            if q < summary.model.queues.count, let p = summary.model.queues[q].published {
                var figures: [String: Any] = ["label": p.label]
                if let asa = p.asa { figures["asa_s"] = asa }
                if let ab = p.abandonment { figures["abandonment"] = ab }
                entry["published"] = figures
            }
            if let sl = queue.targets.serviceLevel { entry["service_level_within_s"] = sl.threshold }
            if intervals && q < summary.queues.count {
                entry["intervals"] = summary.intervalMetrics(queue: q).enumerated().map { i, estimates in
                    [
                        "interval": i, "label": scenario.intervalLabel(i),
                        "metrics": metricsJSON(estimates, queue.targets, perInterval: true),
                    ] as [String: Any]
                }
            }
            return entry
        }
        root["groups"] = summary.groups.enumerated().map { g, group in
            var entry: [String: Any] = [
                "name": group.name, "scheduled_hours": group.scheduledHours,
                "occupancy": estimateJSON(group.occupancy), "overtime_hours": estimateJSON(group.overtimeHours),
                "answered": estimateJSON(group.answered),
            ]
            if intervals {
                entry["intervals"] = summary.intervalOccupancy(group: g).enumerated().map { i, estimate in
                    ["interval": i, "occupancy": estimateJSON(estimate)] as [String: Any]
                }
            }
            return entry
        }
        if !summary.model.entries.isEmpty {
            root["entries"] = summary.entries.map { e in
                var outcomes: [String: Any] = [:]
                for o in FlowOutcome.allCases { outcomes[o.description] = estimateJSON(e.share(o)) }
                return [
                    "name": e.name, "flow": e.flow, "callers": estimateJSON(e.callers), "outcome_shares": outcomes,
                    "containment": estimateJSON(e.containment), "deflection": estimateJSON(e.deflection),
                    "true_containment": estimateJSON(e.trueContainment),
                    "true_deflection": estimateJSON(e.trueDeflection),
                    "repeat_share": estimateJSON(e.repeatShare), "misroute_rate": estimateJSON(e.misrouteRate),
                    "abandoned_in_ivr": estimateJSON(e.abandonedInFlow), "mean_time_s": estimateJSON(e.meanTime),
                    "p90_time_s": estimateJSON(e.p90Time),
                ] as [String: Any]
            }
            root["nodes"] = summary.nodes.map { n in
                [
                    "flow": n.flow, "node": n.name, "visits": estimateJSON(n.visits),
                    "hang_up_share": estimateJSON(n.hangUpShare), "mean_time_s": estimateJSON(n.meanTime),
                    "p90_time_s": estimateJSON(n.p90Time),
                    "exits": n.exits.map { ["to": $0.to, "count": estimateJSON($0.count)] as [String: Any] },
                ] as [String: Any]
            }
            let (names, arrivals) = arrivalsByIntent()
            root["queue_arrivals_by_intent"] = arrivals.enumerated().map { q, row in
                var byIntent: [String: Any] = [:]
                for (k, e) in row.enumerated() { byIntent[names[k]] = estimateJSON(e) }
                return ["queue": summary.model.queues[q].name, "intents": byIntent] as [String: Any]
            }
        }
        let data = try! JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Each metric's estimate, with its target and verdict where it has one.
    private func metricsJSON(_ estimates: [Estimate], _ targets: Targets, perInterval: Bool = false) -> [String: Any] {
        var out: [String: Any] = [:]
        for (metric, e) in zip(QueueMetric.allCases, estimates) where !perInterval || metric.isPerInterval {
            var entry = estimateJSON(e)
            if let target = targets.value(of: metric), let verdict = targets.verdict(metric, e) {
                entry["target"] = target
                entry["verdict"] = verdict.label
            }
            out[metric.rawValue] = entry
        }
        return out
    }

    private func estimateJSON(_ e: Estimate) -> [String: Any] {
        ["mean": finite(e.mean), "half_width": finite(e.halfWidth)]
    }

    /// JSON has no infinity or NaN: they become null.
    private func finite(_ x: Double) -> Any { x.isFinite ? x : NSNull() }

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
