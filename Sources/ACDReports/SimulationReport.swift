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
                t.serviceLevel.map {
                    "\(trim($0.share * 100))%/\(Int($0.threshold))s \(queue.serviceLevelVerdict!.label)"
                }
                    ?? "",
            ])
        }
        out += queues.render()
        let published = summary.model.queues.compactMap(\.published)
        if let label = published.first?.label {
            out += "\nAgainst published figures (\(label)):\n"
            var side = TextTable(header: ["Queue", "ASA s", "Published ASA s", "Aband %", "Published aband %"])
            for (q, queue) in summary.queues.enumerated() {
                guard let p = summary.model.queues[q].published else { continue }
                side.add([
                    queue.name, seconds(queue.asa), p.asa.map { String(format: "%.0f", $0) } ?? "",
                    percent(queue.abandonment), p.abandonment.map { String(format: "%.1f", $0 * 100) } ?? "",
                ])
            }
            out += side.render()
        }
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
        if !summary.model.entries.isEmpty { out += flowTables() }
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

    /// The IVR/EVR part of the table: entries, nodes, and what reached each queue by intent.
    func flowTables() -> String {
        var out = "\n"
        var entries = TextTable(header: [
            "Entry (flow)", "Callers", "Repeat %", "Self-served %", "Deflected %", "True deflection %", "Queued %",
            "Transferred %", "Closed %", "Hung up in IVR %", "Misrouted %", "Mean IVR s", "p90 IVR s",
        ])
        for e in summary.entries {
            entries.add([
                "\(e.name) (\(e.flow))", count(e.callers), percent(e.repeatShare), percent(e.share(.selfServed)),
                percent(e.share(.deflected)), percent(e.trueDeflection), percent(e.share(.queued)),
                percent(e.share(.transferred)), percent(e.share(.closed)),
                percent(e.share(.hungUp)), percent(e.misrouteRate), seconds(e.meanTime), seconds(e.p90Time),
            ])
        }
        out += entries.render() + "\n"
        var nodes = TextTable(header: ["Flow node", "Visits", "Hang-up %", "Mean s", "p90 s", "Main exits"])
        for n in summary.nodes where n.visits.mean > 0 {
            let exits = n.exits.sorted { $0.count.mean > $1.count.mean }.prefix(3)
                .map { "\($0.to) \(String(format: "%.0f", $0.count.mean))" }.joined(separator: ", ")
            nodes.add([
                "\(n.flow): \(n.name)", count(n.visits), percent(n.hangUpShare), seconds(n.meanTime),
                seconds(n.p90Time),
                exits,
            ])
        }
        out += nodes.render() + "\n"
        let (names, arrivals) = arrivalsByIntent()
        var byIntent = TextTable(
            header: ["Queue: calls from IVR by intent"] + names + ["Misrouted", "No queue serves", "Callbacks", "Balked"])
        for (q, row) in arrivals.enumerated() {
            let queue = summary.queues[q]
            byIntent.add(
                [summary.model.queues[q].name] + row.map { String(format: "%.0f", $0.mean) }
                    + [
                        count(queue[.misrouted]), count(queue[.unserved]), count(queue[.callbacks]),
                        count(queue[.balked]),
                    ])
        }
        out += byIntent.render()
        for queue in summary.queues where queue[.unserved].mean > 0 {
            out += String(
                format: "\n%@: %.0f answered callers have an intent no queue serves (no_queue_serves): answered there, "
                    + "with nowhere to transfer them; `acdd flows check` flags such intents.\n",
                queue.name, queue[.unserved].mean)
        }
        return out
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

func csvNumber(_ x: Double) -> String { x.isFinite ? String(x) : "" }
