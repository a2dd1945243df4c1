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

    // MARK: Table

    package func table() -> String {
        var out = "\(scenario.name): \(summary.replications) replication(s), seed \(seed), "
        out += "95% confidence intervals (±)\n\n"
        var queues = TextTable(header: [
            "Queue", "Offered", "Answered", "Abandoned", "Aband %", "ASA s", "SL %", "p90 wait s", "AHT s",
            "ASA target", "Aband target", "SL target",
        ])
        let definitions = summary.model.definitions
        for queue in summary.queues + [summary.total] {
            let t = queue.targets
            queues.add([
                queue.name, count(queue.offered), count(queue.answered), count(queue.abandoned),
                percent(queue.abandonment), seconds(queue.asa), percent(queue.serviceLevel),
                seconds(queue[.p90]), seconds(queue[.averageHandleTime]),
                t.asa.map { "≤\(Int($0)) \(queue.asaVerdict!.label)" } ?? "",
                t.abandonment.map { "≤\(trim($0 * 100))% \(queue.abandonmentVerdict!.label)" } ?? "",
                t.serviceLevel.map { "\(trim($0.share * 100))%/\(Int($0.threshold))s \(queue.serviceLevelVerdict!.label)" }
                    ?? "",
            ])
        }
        out += queues.render()
        if !summary.groups.isEmpty {
            out += "\n"
            var groups = TextTable(header: ["Agent group", "Agent-hours", "Answered", "Occupancy %", "Overtime h"])
            for group in summary.groups {
                groups.add([
                    group.name, String(format: "%.0f", group.scheduledHours), count(group.answered),
                    percent(group.occupancy), oneDecimal(group.overtimeHours),
                ])
            }
            out += groups.render()
        }
        out += "\nService level over \(definitions.serviceLevel.rawValue) calls; abandonment over "
        out += "\(definitions.abandonment.rawValue) calls"
        if definitions.shortAbandonThreshold > 0 {
            out += "; hang-ups within \(trim(definitions.shortAbandonThreshold)) s are short abandons, not counted"
        }
        out += ". A '?' marks a verdict whose target lies inside the confidence interval.\n"
        if let elapsed {
            let calls = summary.results.reduce(0) { $0 + $1.calls }
            out += String(
                format: "Simulated %d calls in %.2f s (%.0f calls/s).\n", calls, elapsed, Double(calls) / elapsed)
        }
        return out
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
            var metrics: [String: Any] = [:]
            for metric in QueueMetric.allCases { metrics[metric.rawValue] = estimateJSON(queue[metric]) }
            entry["metrics"] = metrics
            var targets: [String: Any] = [:]
            if let asa = queue.targets.asa { targets["asa"] = ["target_s": asa, "verdict": queue.asaVerdict!.label] }
            if let ab = queue.targets.abandonment {
                targets["abandonment"] = ["target": ab, "verdict": queue.abandonmentVerdict!.label]
            }
            if let sl = queue.targets.serviceLevel {
                targets["service_level"] = [
                    "share": sl.share, "within_s": sl.threshold, "verdict": queue.serviceLevelVerdict!.label,
                ]
            }
            entry["targets"] = targets
            if intervals && q < summary.queues.count {
                entry["intervals"] = summary.intervalMetrics(queue: q).enumerated().map { i, estimates in
                    var row: [String: Any] = ["interval": i, "label": scenario.intervalLabel(i)]
                    for (metric, estimate) in zip(QueueMetric.allCases, estimates) {
                        row[metric.rawValue] = estimateJSON(estimate)
                    }
                    return row
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
        let data = try! JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private func estimateJSON(_ e: Estimate) -> [String: Any] {
        ["mean": finite(e.mean), "half_width": finite(e.halfWidth)]
    }

    /// JSON has no infinity or NaN: they become null.
    private func finite(_ x: Double) -> Any { x.isFinite ? x : NSNull() }

    // MARK: CSV

    /// One row per queue (or per queue and interval) and metric: mean and half-width, spreadsheet-ready.
    package func csv(intervals: Bool = false) -> String {
        var out = intervals ? "queue,interval,label,metric,mean,half_width\n" : "queue,metric,mean,half_width,target,verdict\n"
        if intervals {
            for (q, queue) in summary.queues.enumerated() {
                for (i, estimates) in summary.intervalMetrics(queue: q).enumerated() {
                    for (metric, e) in zip(QueueMetric.allCases, estimates) {
                        out += "\(csvField(queue.name)),\(i),\(scenario.intervalLabel(i)),\(metric.rawValue),"
                        out += "\(csvNumber(e.mean)),\(csvNumber(e.halfWidth))\n"
                    }
                }
            }
            return out
        }
        for queue in summary.queues + [summary.total] {
            for metric in QueueMetric.allCases {
                let e = queue[metric]
                var target = ""
                var verdict = ""
                switch metric {
                case .asa:
                    target = queue.targets.asa.map(csvNumber) ?? ""
                    verdict = queue.asaVerdict?.label ?? ""
                case .abandonment:
                    target = queue.targets.abandonment.map(csvNumber) ?? ""
                    verdict = queue.abandonmentVerdict?.label ?? ""
                case .serviceLevel:
                    target = queue.targets.serviceLevel.map { csvNumber($0.share) } ?? ""
                    verdict = queue.serviceLevelVerdict?.label ?? ""
                default: break
                }
                out += "\(csvField(queue.name)),\(metric.rawValue),\(csvNumber(e.mean)),\(csvNumber(e.halfWidth)),"
                out += "\(target),\(verdict)\n"
            }
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

    private func pm(_ e: Estimate, _ format: String, scale: Double = 1) -> String {
        let mean = String(format: format, e.mean * scale)
        guard e.replications > 1, e.halfWidth.isFinite else { return mean }
        return mean + " ±" + String(format: format, e.halfWidth * scale)
    }

    private func count(_ e: Estimate) -> String { pm(e, "%.0f") }
    private func seconds(_ e: Estimate) -> String { pm(e, "%.1f") }
    private func percent(_ e: Estimate) -> String { pm(e, "%.2f", scale: 100) }
    private func oneDecimal(_ e: Estimate) -> String { pm(e, "%.1f") }
    private func trim(_ x: Double) -> String {
        x.rounded() == x ? String(Int(x)) : String(format: "%g", x)
    }
}

func csvField(_ s: String) -> String {
    s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

func csvNumber(_ x: Double) -> String { x.isFinite ? String(x) : "" }
