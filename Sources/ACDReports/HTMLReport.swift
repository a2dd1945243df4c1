import ACDCore
import Foundation
import IVRFlows

/// One self-contained HTML page with SVG plots: no scripts, no fonts or files fetched from anywhere.
package struct HTMLReport {
    package let report: SimulationReport

    package init(report: SimulationReport) { self.report = report }

    var summary: Summary { report.summary }
    var scenario: Scenario { report.scenario }
    var model: CentreModel { summary.model }

    /// Periods up to this many days are drawn interval by interval; longer ones day by day, with a monthly table
    /// and typical-day profiles.
    static let intervalViewDays = 14.0

    package func render() -> String {
        var body = "<h1>\(escape(scenario.name))</h1>\n<p class=lead>\(escape(periodText)) · "
        body += "\(summary.replications) replications, seed \(report.seed). ± figures and shaded bands are 95% "
        body += "confidence intervals; dashed lines are targets.</p>\n"
        body += "<h2>Queues against their targets</h2>\n" + report.queueTable().html()
        if !model.entries.isEmpty || scenario.published != nil {
            body += "<h2>The centre</h2>\n" + report.centreTable().html()
        }
        if !model.entries.isEmpty {
            body += "<h2>Entries: how callers left the IVR</h2>\n" + report.entryTable().html()
        }
        if !summary.groups.isEmpty { body += "<h2>Agent groups</h2>\n" + report.groupTable().html() }
        let daily = model.horizon > Self.intervalViewDays * 86400 && !scenario.spans(.day).isEmpty
        body += daily ? dailyView() : intervalView()
        body += "<h2>Waiting times</h2>\n<div class=row>\n"
        for q in summary.queues.indices { body += distribution(queue: q) }
        body += "</div>\n"
        if !model.entries.isEmpty { body += flowTable() }
        return page(body)
    }

    var periodText: String {
        let days = model.horizon / 86400
        let first = scenario.dateLabel(seconds: 0)
        let last = scenario.dateLabel(seconds: max(0, model.horizon - 1))
        let span = days >= 1 ? String(format: "%.0f days", days.rounded(.up)) : String(format: "%.0f hours", days * 24)
        return first == last ? "\(first), \(span)" : "\(first) to \(last), \(span)"
    }

    func page(_ body: String) -> String { Self.page(title: scenario.name, body: body) }

    /// A whole page with the report's styles.
    package static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escapeHTML(title))</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 1800px; }
        .lead { color: #555; }
        .row { display: flex; flex-wrap: wrap; gap: 16px; }
        figure { margin: 0; } figcaption { font-size: 13px; font-weight: 600; margin-bottom: 2px; }
        table { border-collapse: collapse; font-size: 13px; margin-bottom: 8px; }
        td, th { padding: 3px 10px; text-align: left; border-bottom: 1px solid #e4e4e4; white-space: nowrap; }
        th { background: #f3f3f3; } .num { text-align: right; font-variant-numeric: tabular-nums; }
        .met { color: #1a7f37; } .missed { color: #c62828; font-weight: 600; }
        .bar { background: #1f77b4; height: 10px; display: inline-block; }
        </style></head><body>
        \(body)</body></html>

        """
    }

    func escape(_ s: String) -> String { escapeHTML(s) }

    /// A short period: every interval, idle ones included, evenly spaced, ticks at each day's start (or, within a
    /// day, every two hours).
    func intervalView() -> String {
        let n = model.intervalCount
        let perDay = max(1, Int((86400 / model.intervalLength).rounded()))
        let ticks =
            n <= perDay
            ? Self.ticks(count: n, every: max(1, perDay / 12)) { String(scenario.intervalLabel($0).suffix(5)) }
            : Self.ticks(count: n, every: perDay) { i in dayTick(i / perDay, first: i == 0) }
        var body = "<h2>Interval by interval</h2>\n"
        for (q, queue) in summary.queues.enumerated() {
            body += "<h3>\(escape(queue.name))</h3>\n<div class=row>\n"
            body += queueCharts(
                summary.intervalMetrics(queue: q), targets: queue.targets, ticks: ticks, unit: "interval")
            body += "</div>\n"
        }
        let scheduled = (0..<n).map { i in exact(Double(model.groups.reduce(0) { $0 + $1.rota.headcount[i] })) }
        let needed = (0..<n).map { exact(Double(agentsNeeded(interval: $0))) }
        body += "<h2>Agents scheduled and needed</h2>\n<div class=row>\n"
        body += SVGChart(
            title: "Agents on the rota and the fewest meeting each queue's targets (Erlang A per queue, added up)",
            yLabel: "agents", xTicks: ticks,
            series: [
                .init(name: "scheduled", colour: "#1f77b4", values: scheduled, steps: true),
                .init(name: "needed", colour: "#d62728", values: needed, steps: true),
            ]
        ).render()
        return body + "</div>\n"
    }

    /// A long period: daily figures, a monthly table against targets, and typical days by weekday and by month.
    func dailyView() -> String {
        let days = scenario.spans(.day)
        let ranges = days.map(\.intervals)
        let ticks = monthTicks(days)
        var body = "<h2>Day by day</h2>\n"
        let weeks = scenario.spans(.week)
        // Each week drawn at its middle day.
        let weekPositions = weeks.map { w in
            Double(w.intervals.lowerBound + w.intervals.upperBound) / 2 / perDayCount - 0.5
        }
        body += "<p>Thin pale lines are days (a gap: nothing answered or offered that day); bold lines are weeks, with "
        body += "their 95% bands.</p>\n"
        for (q, queue) in summary.queues.enumerated() {
            body += "<h3>\(escape(queue.name))</h3>\n<div class=row>\n"
            let rows = summary.spanMetrics(queue: q, spans: ranges)
            let weekly = (summary.spanMetrics(queue: q, spans: weeks.map(\.intervals)), weekPositions)
            body += queueCharts(rows, targets: queue.targets, ticks: ticks, unit: "day", weekly: weekly)
            body += "</div>\n"
        }
        let needed = (0..<model.intervalCount).map { Double(agentsNeeded(interval: $0)) }
        let scheduled = (0..<model.intervalCount).map { i in
            Double(model.groups.reduce(0) { $0 + $1.rota.headcount[i] })
        }
        let hours = model.intervalLength / 3600
        func perDay(_ values: [Double]) -> [Estimate] {
            ranges.map { r in exact(r.reduce(0) { $0 + values[$1] } * hours) }
        }
        body += "<h2>Agent-hours scheduled and needed per day</h2>\n<div class=row>\n"
        body += SVGChart(
            title:
                "Agent-hours on the rota and the fewest meeting each queue's targets (Erlang A per queue and interval)",
            yLabel: "agent-hours a day", xTicks: ticks,
            series: [
                .init(name: "scheduled", colour: "#1f77b4", values: perDay(scheduled)),
                .init(name: "needed", colour: "#d62728", values: perDay(needed)),
            ]
        ).render()
        body += "</div>\n" + monthlyTable() + profiles(needed: needed, scheduled: scheduled)
        return body
    }

    var perDayCount: Double { 86400 / model.intervalLength }

    /// Offered calls, ASA and abandonment per row (an interval or a day) of one queue; with `weekly`, ASA and
    /// abandonment per week too, in bold over the days. ASA and abandonment leave a gap where nothing was offered.
    func queueCharts(
        _ rows: [[Estimate]], targets: Targets, ticks: [(Int, String)], unit: String,
        weekly: (rows: [[Estimate]], positions: [Double])? = nil
    ) -> String {
        let offeredIndex = QueueMetric.allCases.firstIndex(of: .offered)!
        func column(_ rows: [[Estimate]], _ metric: QueueMetric, scale: Double = 1) -> [Estimate] {
            let k = QueueMetric.allCases.firstIndex(of: metric)!
            return rows.map { row in
                var e = row[k]
                e.mean = metric != .offered && row[offeredIndex].mean == 0 ? .nan : e.mean * scale
                e.halfWidth *= scale
                return e
            }
        }
        func series(_ name: String, _ colour: String, _ metric: QueueMetric, scale: Double = 1) -> [SVGChart.Series] {
            guard let weekly else {
                return [.init(name: name, colour: colour, values: column(rows, metric, scale: scale))]
            }
            return [
                .init(name: "\(name), day", colour: colour, values: column(rows, metric, scale: scale), faint: true),
                .init(
                    name: "\(name), week", colour: colour, values: column(weekly.rows, metric, scale: scale),
                    positions: weekly.positions),
            ]
        }
        let offered = SVGChart(
            title: "Calls offered per \(unit)", yLabel: "calls", xTicks: ticks,
            series: [.init(name: "offered", colour: "#555", values: column(rows, .offered), band: weekly == nil)])
        let asa = SVGChart(
            title: "ASA (average speed of answer)", yLabel: "ASA (s)", xTicks: ticks,
            series: series("ASA", "#1f77b4", .asa), target: targets.asa)
        var abandoned = SVGChart(
            title: "Abandoned", yLabel: "abandoned (%)", xTicks: ticks,
            series: series("abandoned", "#d62728", .abandonment, scale: 100),
            target: targets.abandonment.map { $0 * 100 })
        abandoned.ceiling = 100
        return offered.render() + asa.render() + abandoned.render()
    }

    /// Each queue per month: offered, ASA and abandonment, each against its target.
    func monthlyTable() -> String {
        let months = scenario.spans(.month)
        var table = TextTable(header: ["Queue", "Month", "Offered", "ASA s", "ASA target", "Aband %", "Aband target"])
        table.leftAligned = [0, 1]
        for (q, queue) in summary.queues.enumerated() {
            let rows = summary.spanMetrics(queue: q, spans: months.map(\.intervals))
            for (month, row) in zip(months, rows) {
                func figure(_ metric: QueueMetric) -> Estimate { row[QueueMetric.allCases.firstIndex(of: metric)!] }
                func verdict(_ metric: QueueMetric) -> String {
                    figure(.offered).mean > 0 ? queue.targets.verdictText(metric, figure(metric)) : ""
                }
                table.add([
                    queue.name, month.label, report.count(figure(.offered)), report.seconds(figure(.asa)),
                    verdict(.asa), report.percent(figure(.abandonment)), verdict(.abandonment),
                ])
            }
        }
        return "<h2>Month by month against targets</h2>\n" + table.html()
    }

    /// Typical days: per interval of the day, the mean over the period's days of one weekday (and of one month) of
    /// calls offered to all queues, agents scheduled and agents needed.
    func profiles(needed: [Double], scheduled: [Double]) -> String {
        let perDay = Int((86400 / model.intervalLength).rounded())
        let days = scenario.spans(.day)
        let n = model.intervalCount
        let offered = (0..<n).map { i in
            summary.results.reduce(0.0) { sum, r in
                sum + Double(model.queues.indices.reduce(0) { $0 + r.queueIntervals[$1 * n + i].offered })
            } / Double(max(1, summary.replications))
        }
        let ticks = Self.ticks(count: perDay, every: max(1, perDay / 6)) { k in
            let minutes = Int(Double(k) * model.intervalLength) / 60
            return String(format: "%02d:%02d", minutes / 60, minutes % 60)
        }
        func chart(_ title: String, _ group: [Int]) -> String {
            func mean(_ values: [Double], _ k: Int) -> Estimate {
                let xs = group.map { days[$0].intervals.lowerBound + k }.filter { $0 < n }.map { values[$0] }
                return exact(xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count))
            }
            var chart = SVGChart(
                title: "\(title) (\(group.count) days)", yLabel: "calls, agents", xTicks: ticks,
                series: [
                    .init(name: "calls offered", colour: "#555", values: (0..<perDay).map { mean(offered, $0) }),
                    .init(
                        name: "scheduled", colour: "#1f77b4", values: (0..<perDay).map { mean(scheduled, $0) },
                        steps: true),
                    .init(
                        name: "needed", colour: "#d62728", values: (0..<perDay).map { mean(needed, $0) }, steps: true),
                ])
            chart.width = 420
            chart.height = 200
            return chart.render()
        }
        var body = "<h2>A typical day by weekday</h2>\n<p>Per interval of the day, the mean over the period's days of "
        body +=
            "that weekday: calls offered to all queues, agents on the rota, and agents needed.</p>\n<div class=row>\n"
        for w in 0..<7 {
            body += chart(Weekday.label(w), days.indices.filter { (scenario.startWeekday + $0) % 7 == w })
        }
        body += "</div>\n<h2>A typical day by month</h2>\n<p>The same, over all the days of each month.</p>\n"
        body += "<div class=row>\n"
        for month in scenario.spans(.month) {
            body += chart(month.label, days.indices.filter { month.intervals.contains(days[$0].intervals.lowerBound) })
        }
        return body + "</div>\n"
    }

    /// A tick on the first day of each month, `Nov` (with the year under the first and under January), or, without
    /// dates, of each 4 weeks.
    func monthTicks(_ days: [ReportSpan]) -> [(Int, String)] {
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return scenario.spans(.month).enumerated().compactMap { k, month in
            guard let day = days.firstIndex(where: { $0.intervals.lowerBound == month.intervals.lowerBound }) else {
                return nil
            }
            let parts = month.label.split(separator: "-")
            // A calendar month is `YYYY-MM`; without dates a block is `weeks 1-4`, shown as it is.
            guard parts.count == 2, parts[0].count == 4, Int(parts[0]) != nil, let m = Int(parts[1]),
                (1...12).contains(m)
            else { return (day, month.label) }
            return (day, k == 0 || m == 1 ? "\(names[m - 1])\n\(parts[0])" : names[m - 1])
        }
    }

    /// Ticks every `every` points (or a multiple of it, so there are at most about 12), labelled by `label`.
    static func ticks(count: Int, every: Int, label: (Int) -> String) -> [(Int, String)] {
        let step = every * max(1, (count / every + 11) / 12)
        return stride(from: 0, to: count, by: max(1, step)).map { ($0, label($0)) }
    }

    /// `Mon 2` for day `d` of the period (`Mon 2 Mar` on the first tick), or `Mon` without dates.
    func dayTick(_ d: Int, first: Bool) -> String {
        let weekday = Weekday.label(scenario.startWeekday + d)
        let date = scenario.dateLabel(seconds: Double(d) * 86400).split(separator: "-")
        guard date.count == 3, let m = Int(date[1]), let day = Int(date[2]) else { return weekday }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return first ? "\(weekday) \(day) \(months[m - 1])" : "\(weekday) \(day)"
    }

    func exact(_ v: Double) -> Estimate { Estimate(mean: v, halfWidth: 0, replications: 1) }

    /// The waiting-time distribution of answered calls: the share answered within t, for t up to the 99th
    /// percentile, from each replication's percentiles averaged; the service-level target dashed.
    func distribution(queue q: Int) -> String {
        let percentiles = stride(from: 0.0, through: 99.0, by: 1.0).map { p in
            summary.results.map { $0.histograms[q].percentile(max(p, 0.01)) }.reduce(0, +)
                / Double(max(1, summary.results.count))
        }
        let tMax = max(percentiles.last ?? 1, 1)
        let steps = 100
        let shares = (0...steps).map { k -> Estimate in
            let t = tMax * Double(k) / Double(steps)
            return exact(Double(percentiles.lastIndex { $0 <= t } ?? 0) + (k == steps ? 1 : 0))
        }
        let ticks = stride(from: 0, through: steps, by: 25).map {
            ($0, String(format: "%.0f s", tMax * Double($0) / 100))
        }
        let sl = model.queues[q].targets.serviceLevel.map {
            String(format: "; target %g%% within %g s", $0.share * 100, $0.threshold)
        }
        var chart = SVGChart(
            title: "\(summary.queues[q].name): share answered within t (to the 99th percentile\(sl ?? ""))",
            yLabel: "answered (%)", xTicks: ticks,
            series: [.init(name: "answered within t", colour: "#ff7f0e", values: shares)],
            target: model.queues[q].targets.serviceLevel.map { $0.share * 100 })
        chart.ceiling = 100
        return chart.render()
    }

    /// The fewest agents that would meet each queue's targets in interval `i` on its own (Erlang A, queue by queue,
    /// added up), from the calls each queue was offered in that interval (the mean over replications): calls from
    /// flows included, callers who heard a closed message or left in the IVR not.
    package func agentsNeeded(interval i: Int) -> Int {
        var total = 0
        for (q, queue) in model.queues.enumerated() {
            let offered =
                summary.results.reduce(0.0) { sum, r in
                    sum + Double(r.queueIntervals[q * model.intervalCount + i].offered)
                } / Double(max(1, summary.results.count))
            guard offered > 0 else { continue }
            let wrap = model.groups.filter { $0.skills.contains { $0.queue == q } }.map(\.wrapUp.mean).max() ?? 0
            let traffic = Traffic(
                arrivalRate: offered / model.intervalLength, meanHandleTime: queue.handleTime.mean + wrap,
                meanPatience: queue.patience?.mean)
            let untargeted =
                queue.targets.asa == nil && queue.targets.abandonment == nil
                && queue.targets.serviceLevel == nil
            let goal = StaffingGoal(
                asa: queue.targets.asa, abandonment: queue.targets.abandonment,
                serviceLevel: queue.targets.serviceLevel, maxOccupancy: untargeted ? 0.85 : nil)
            total += staff(traffic, goal: goal)?.agents ?? 0
        }
        return total
    }

    func flowTable() -> String {
        var table = TextTable(header: ["Node", "Visits", "Hang-up %", "Mean s"])
        for n in summary.nodes where n.visits.mean > 0 {
            table.add([
                "\(n.flow): \(n.name)", report.count(n.visits), report.percent(n.hangUpShare),
                report.seconds(n.meanTime),
            ])
        }
        return "<h2>IVR and EVR flows</h2>\n" + table.html()
    }
}
