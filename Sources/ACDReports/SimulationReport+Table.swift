import ACDCore
import Foundation
import IVRFlows

/// The parts of `acdd simulate`'s table shown only when asked for (`--detail`).
package enum ReportDetail: String, CaseIterable, Sendable {
    /// Every queue metric (counts, waits, handle time) and the per-queue published figures.
    case queues
    /// Agent groups: agent-hours, calls answered, occupancy, overtime.
    case groups
    /// Each entry's IVR outcomes in full, and every flow node.
    case flows
    /// What reached each queue from the flows, by intent.
    case intents
}

extension SimulationReport {
    /// The terminal table: each queue against its targets, the centre's totals beside the published ones, one line
    /// per entry; `detail` adds the rest. Fits 120 columns for the bundled models.
    package func table(detail: Set<ReportDetail> = []) -> String {
        var out = "\(scenario.name): \(summary.replications) replication(s), seed \(seed), "
        out += "± is the 95% confidence interval\n\n"
        out += queueTable().render()
        let hasFlows = !summary.model.entries.isEmpty
        if hasFlows || scenario.published != nil { out += "\n" + centreTable().render() }
        if hasFlows { out += "\n" + entryTable().render() }
        if detail.contains(.queues) { out += "\n" + queueDetailTable() + publishedTable() }
        if detail.contains(.groups) && !summary.groups.isEmpty { out += "\n" + groupTable().render() }
        if detail.contains(.flows) && hasFlows { out += "\n" + entryDetailTable() + "\n" + nodeTable() }
        if detail.contains(.intents) && hasFlows { out += "\n" + intentTable() }
        out += footnotes(detail: detail)
        return out
    }

    /// Queue, offered, then ASA, abandonment, service level and deflection each beside its target and verdict;
    /// target columns only where some queue has that target.
    func queueTable() -> TextTable {
        let queues = summary.queues + [summary.total]
        let targets = summary.queues.map(\.targets)
        let thresholds = Set(targets.map(\.serviceLevelThreshold))
        let slHeader = thresholds.count == 1 ? "SL % ≤\(trim(thresholds.first!))s" : "SL %"
        let hasFlows = !summary.model.entries.isEmpty
        var columns: [(header: String, cell: (QueueSummary) -> String)] = [
            ("Offered", { count($0.offered) }), ("ASA s", { seconds($0.asa) }),
        ]
        func target(_ metric: QueueMetric, _ header: String) {
            guard targets.contains(where: { $0.value(of: metric) != nil }) else { return }
            columns.append((header, { $0.targets.verdictText(metric, $0[metric]) }))
        }
        target(.asa, "ASA target")
        columns.append(("Aband %", { percent($0.abandonment) }))
        target(.abandonment, "Ab. target")
        columns.append(
            (
                slHeader,
                { queue in
                    let cell = percent(queue.serviceLevel)
                    guard thresholds.count > 1, queue.name != summary.total.name else { return cell }
                    return cell + " (\(trim(queue.targets.serviceLevelThreshold))s)"
                }
            ))
        target(.serviceLevel, "SL target")
        if hasFlows { columns.append(("Deflection %", { percent($0[.deflection]) })) }
        target(.deflection, "Deflection target")
        var table = TextTable(header: ["Queue"] + columns.map(\.header))
        for queue in queues { table.add([queue.name] + columns.map { $0.cell(queue) }) }
        return table
    }

    /// The centre's totals (every call counted once) beside the published ones.
    func centreTable() -> TextTable {
        let rows = CalibrationReport.centreRows(summary: summary, published: scenario.published)
        let label = scenario.published.map { "Published \($0.label)" } ?? "Published"
        let published = rows.contains { $0.published != nil }
        var table = TextTable(header: ["Centre", "Simulated", "95% CI"] + (published ? [label, "Difference"] : []))
        for row in rows {
            let sides =
                published
                ? [
                    row.published.map { CalibrationReport.format($0, row.unit) } ?? "",
                    CalibrationReport.formatDifference(row),
                ]
                : []
            table.add(
                [
                    row.figure, CalibrationReport.format(row.simulated.mean, row.unit),
                    CalibrationReport.formatHalfWidth(row.simulated.halfWidth, row.unit),
                ] + sides)
        }
        return table
    }

    /// One line per entry: callers and how their time in the IVR ended.
    func entryTable() -> TextTable {
        var table = TextTable(header: [
            "Entry", "Callers", "Self-served %", "Deflected %", "Queued %", "Closed %", "Hung up %", "Mean IVR s",
        ])
        for e in summary.entries {
            table.add([
                e.name, count(e.callers), percent(e.share(.selfServed)), percent(e.share(.deflected)),
                percent(e.share(.queued)), percent(e.share(.closed)), percent(e.share(.hungUp)), seconds(e.meanTime),
            ])
        }
        return table
    }

    /// Every queue's counts and waits, and what it got from the IVR (`--detail queues`).
    func queueDetailTable() -> String {
        let queues = summary.queues + [summary.total]
        let blocked = queues.contains { $0[.blocked].mean > 0 }
        var waits = TextTable(
            header: ["Queue", "Answered", "Abandoned"] + (blocked ? ["Blocked"] : [])
                + ["p90 wait s", "Max wait s", "AHT s"])
        for queue in queues {
            waits.add(
                [queue.name, count(queue.answered), count(queue.abandoned)]
                    + (blocked ? [count(queue[.blocked])] : [])
                    + [seconds(queue[.p90]), seconds(queue[.maxWait]), seconds(queue[.averageHandleTime])])
        }
        guard !summary.model.entries.isEmpty else { return waits.render() }
        var ivr = TextTable(header: ["Queue", "Misrouted", "No queue serves", "IVR callers", "True deflection %"])
        for queue in queues {
            ivr.add([
                queue.name, count(queue[.misrouted]), count(queue[.unserved]), count(queue[.ivrCallers]),
                percent(queue[.trueDeflection]),
            ])
        }
        return waits.render() + "\n" + ivr.render()
    }

    /// Each queue's published figures beside the simulated ones, when the scenario has them.
    func publishedTable() -> String {
        guard let label = summary.model.queues.compactMap(\.published).first?.label else { return "" }
        var side = TextTable(header: ["Queue", "ASA s", "Published ASA s", "Aband %", "Published aband %"])
        for (q, queue) in summary.queues.enumerated() {
            guard let p = summary.model.queues[q].published else { continue }
            side.add([
                queue.name, seconds(queue.asa), p.asa.map { String(format: "%.0f", $0) } ?? "",
                percent(queue.abandonment), p.abandonment.map { String(format: "%.1f", $0 * 100) } ?? "",
            ])
        }
        return "\nAgainst published figures (\(label)):\n" + side.render()
    }

    func groupTable() -> TextTable {
        var groups = TextTable(header: ["Agent group", "Agent-hours", "Answered", "Occupancy %", "Overtime h"])
        for group in summary.groups {
            groups.add([
                group.name, String(format: "%.0f", group.scheduledHours), count(group.answered),
                percent(group.occupancy), oneDecimal(group.overtimeHours),
            ])
        }
        return groups
    }

    /// Each entry's outcomes in full (`--detail flows`).
    func entryDetailTable() -> String {
        var entries = TextTable(header: [
            "Entry (flow)", "Repeat %", "True defl. %", "Transferred %", "Misrouted %", "p90 IVR s",
        ])
        for e in summary.entries {
            entries.add([
                "\(e.name) (\(e.flow))", percent(e.repeatShare), percent(e.trueDeflection),
                percent(e.share(.transferred)), percent(e.misrouteRate), seconds(e.p90Time),
            ])
        }
        return entries.render()
    }

    func nodeTable() -> String {
        var nodes = TextTable(header: ["Flow node", "Visits", "Hang-up %", "Mean s", "p90 s", "Main exits"])
        nodes.leftAligned = [0, 5]
        for n in summary.nodes where n.visits.mean > 0 {
            let exits = n.exits.sorted { $0.count.mean > $1.count.mean }.prefix(2)
                .map { "\($0.to) \(String(format: "%.0f", $0.count.mean))" }.joined(separator: ", ")
            nodes.add([
                "\(n.flow): \(n.name)", count(n.visits), percent(n.hangUpShare), seconds(n.meanTime),
                seconds(n.p90Time), exits,
            ])
        }
        return nodes.render()
    }

    /// Calls reaching each queue from the flows, by intent (`--detail intents`): a row per intent, a column per
    /// queue, so the table grows down rather than across.
    func intentTable() -> String {
        let (names, arrivals) = arrivalsByIntent()
        let queues = summary.model.queues.map(\.name)
        var table = TextTable(header: ["Intent"] + queues.indices.map { "Q\($0 + 1)" })
        for (k, name) in names.enumerated() {
            table.add([name] + arrivals.map { String(format: "%.0f", $0[k].mean) })
        }
        for (label, metric) in [("Misrouted", QueueMetric.misrouted), ("No queue serves", .unserved)] {
            table.add([label] + summary.queues.map { String(format: "%.0f", $0[metric].mean) })
        }
        var out = "Calls reaching each queue from the IVR, by intent:\n" + table.render()
        out += wrapped(queues.enumerated().map { "Q\($0 + 1) \($1)" }.joined(separator: "; "))
        for queue in summary.queues where queue[.unserved].mean > 0 {
            out += wrapped(
                String(
                    format: "%@: %.0f answered callers have an intent no queue serves (no_queue_serves): answered "
                        + "there, with nowhere to transfer them; `acdd flows check` flags such intents.",
                    queue.name, queue[.unserved].mean))
        }
        return out
    }

    func footnotes(detail: Set<ReportDetail>) -> String {
        let definitions = summary.model.definitions
        var out = "\nService level over \(definitions.serviceLevel.rawValue) calls; abandonment over "
        out += "\(definitions.abandonment.rawValue) calls"
        if definitions.shortAbandonThreshold > 0 {
            out += "; hang-ups within \(trim(definitions.shortAbandonThreshold)) s are short abandons, not counted"
        }
        out += ".\nA '?' marks a verdict whose target lies inside the confidence interval.\n"
        if !summary.model.entries.isEmpty {
            out += "IVR deflection: callers of the intents a queue serves whom the IVR self-served or signposted.\n"
        }
        for queue in summary.queues where queue[.unserved].mean > 0 && !detail.contains(.intents) {
            out += wrapped(
                String(
                    format: "%@: %.0f answered callers have an intent no queue serves (no_queue_serves); "
                        + "--detail intents shows them.", queue.name, queue[.unserved].mean))
        }
        let hidden = ReportDetail.allCases.filter { !detail.contains($0) }
        if !hidden.isEmpty {
            out += "More: --detail \(hidden.map(\.rawValue).joined(separator: ",")) (or all).\n"
        }
        if let elapsed {
            let calls = summary.results.reduce(0) { $0 + $1.calls }
            out += String(
                format: "Simulated %d calls in %.2f s (%.0f calls/s).\n", calls, elapsed, Double(calls) / elapsed)
        }
        return out
    }
}
