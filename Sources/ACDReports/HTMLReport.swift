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

    package func render() -> String {
        var body = "<h1>\(escape(scenario.name))</h1>\n"
        body += "<p>\(summary.replications) replications, seed \(report.seed). Shaded bands and ± figures are 95% "
        body += "confidence intervals; dashed lines are targets.</p>\n"
        body += "<pre>\(escape(report.table()))</pre>\n"
        let labels = (0..<model.intervalCount).map(scenario.intervalLabel)
        let active = activeIntervals()
        for (q, queue) in summary.queues.enumerated() {
            let intervals = summary.intervalMetrics(queue: q)
            func series(_ metric: QueueMetric, scale: Double = 1) -> [Estimate] {
                let k = QueueMetric.allCases.firstIndex(of: metric)!
                return active.map { i in
                    var e = intervals[i][k]
                    e.mean *= scale
                    e.halfWidth *= scale
                    return e
                }
            }
            body += "<h2>\(escape(queue.name))</h2>\n<div class=row>\n"
            body += chart(
                title: "ASA per interval (s)", series: [("ASA", series(.asa), "#1f77b4")],
                target: queue.targets.asa, labels: active.map { labels[$0] })
            body += chart(
                title: "Abandoned per interval (%)",
                series: [("abandoned", series(.abandonment, scale: 100), "#d62728")],
                target: queue.targets.abandonment.map { $0 * 100 }, labels: active.map { labels[$0] })
            // Average calls waiting: the waiting time of the interval's callers over the interval's length.
            let waiting = active.map { i -> Estimate in
                Estimate(
                    summary.results.map {
                        let t = $0.queueIntervals[q * model.intervalCount + i]
                        return (t.waitAnswered + t.waitAbandoned) / model.intervalLength
                    })
            }
            body += chart(
                title: "Calls waiting (average, by arrival interval)", series: [("waiting", waiting, "#9467bd")],
                target: nil, labels: active.map { labels[$0] })
            body += distribution(queue: q)
            body += "</div>\n"
        }
        body +=
            "<h2>Agents scheduled and agents needed</h2>\n<div class=row>\n" + staffingChart(active, labels)
            + "</div>\n"
        if !model.entries.isEmpty { body += flowTable() }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(scenario.name))</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
            pre { font-size: 11px; background: #f6f6f6; padding: 8px; overflow-x: auto; }
            .row { display: flex; flex-wrap: wrap; gap: 16px; }
            figure { margin: 0; } figcaption { font-size: 13px; font-weight: 600; margin-bottom: 4px; }
            table { border-collapse: collapse; font-size: 12px; } td, th { padding: 2px 8px; text-align: right; }
            td:first-child, th:first-child { text-align: left; }
            .bar { background: #1f77b4; height: 10px; display: inline-block; }
            </style></head><body>
            \(body)</body></html>

            """
    }

    /// Intervals where anything happens (calls or agents), so a closed night does not fill the charts.
    func activeIntervals() -> [Int] {
        let busy = (0..<model.intervalCount).filter { i in
            model.queues.contains { $0.volumes[i] > 0 } || model.entries.contains { $0.volumes[i] > 0 }
                || model.groups.contains { $0.rota.headcount[i] > 0 }
        }
        return busy.isEmpty ? Array(0..<model.intervalCount) : busy
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A line chart with confidence bands and an optional target line.
    func chart(title: String, series: [(String, [Estimate], String)], target: Double?, labels: [String]) -> String {
        let width = 520.0
        let height = 220.0
        let left = 48.0
        let bottom = 40.0
        let top = 10.0
        let n = max(series.first?.1.count ?? 0, 1)
        let highest = series.flatMap { $0.1.map { $0.halfWidth.isFinite ? $0.upper : $0.mean } }.max() ?? 1
        let yMax = max(highest, target ?? 0, 1e-9) * 1.1
        func x(_ i: Int) -> Double { left + (width - left - 10) * (n == 1 ? 0.5 : Double(i) / Double(n - 1)) }
        func y(_ v: Double) -> Double { top + (height - top - bottom) * (1 - min(max(v, 0), yMax) / yMax) }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\">"
        svg += "<line x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(width - 10)\" y2=\"\(y(0))\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(y(0))\" stroke=\"#999\"/>"
        for k in 0...4 {
            let v = yMax * Double(k) / 4
            svg +=
                "<text x=\"\(left - 4)\" y=\"\(y(v) + 4)\" font-size=\"10\" text-anchor=\"end\">\(String(format: v >= 10 ? "%.0f" : "%.1f", v))</text>"
        }
        let step = max(1, n / 8)
        for i in stride(from: 0, to: n, by: step) where i < labels.count {
            svg +=
                "<text x=\"\(x(i))\" y=\"\(height - bottom + 14)\" font-size=\"9\" text-anchor=\"middle\">\(escape(labels[i]))</text>"
        }
        for (_, values, colour) in series {
            let finite = values.allSatisfy { $0.halfWidth.isFinite }
            if finite && n > 1 {
                let upper = values.enumerated().map { "\(x($0.offset)),\(y($0.element.upper))" }
                let lower = values.enumerated().reversed().map { "\(x($0.offset)),\(y($0.element.lower))" }
                svg +=
                    "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(colour)\" fill-opacity=\"0.15\"/>"
            }
            let line = values.enumerated().map { "\(x($0.offset)),\(y($0.element.mean))" }.joined(separator: " ")
            svg += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>"
        }
        if let target {
            svg +=
                "<line x1=\"\(left)\" y1=\"\(y(target))\" x2=\"\(width - 10)\" y2=\"\(y(target))\" stroke=\"#2ca02c\" stroke-dasharray=\"5,4\"/>"
            svg +=
                "<text x=\"\(width - 12)\" y=\"\(y(target) - 3)\" font-size=\"10\" text-anchor=\"end\" fill=\"#2ca02c\">target \(String(format: "%g", target))</text>"
        }
        svg += "</svg>"
        return "<figure><figcaption>\(escape(title))</figcaption>\(svg)</figure>\n"
    }

    /// The waiting-time distribution of answered calls: the share answered within t (a cumulative curve, t on a
    /// linear axis up to the 99th percentile), from each replication's percentiles averaged.
    func distribution(queue q: Int) -> String {
        let points = stride(from: 0.0, through: 99.0, by: 1.0).map { p -> (t: Double, p: Double) in
            let t =
                summary.results.map { $0.histograms[q].percentile(max(p, 0.01)) }.reduce(0, +)
                / Double(summary.results.count)
            return (t, p)
        }
        let width = 520.0
        let height = 220.0
        let left = 48.0
        let bottom = 40.0
        let top = 10.0
        let tMax = max(points.last?.t ?? 1, 1)
        func x(_ t: Double) -> Double { left + (width - left - 10) * t / tMax }
        func y(_ p: Double) -> Double { top + (height - top - bottom) * (1 - p / 100) }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\">"
        svg += "<line x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(width - 10)\" y2=\"\(y(0))\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(y(0))\" stroke=\"#999\"/>"
        for k in 0...4 {
            let p = 25.0 * Double(k)
            svg += "<text x=\"\(left - 4)\" y=\"\(y(p) + 4)\" font-size=\"10\" text-anchor=\"end\">\(Int(p))%</text>"
            let t = tMax * Double(k) / 4
            svg +=
                "<text x=\"\(x(t))\" y=\"\(height - bottom + 14)\" font-size=\"10\" text-anchor=\"middle\">\(String(format: "%.0f s", t))</text>"
        }
        let line = points.map { "\(x($0.t)),\(y($0.p))" }.joined(separator: " ")
        svg += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"1.5\"/>"
        if let sl = model.queues[q].targets.serviceLevel, sl.threshold <= tMax {
            svg +=
                "<line x1=\"\(x(sl.threshold))\" y1=\"\(top)\" x2=\"\(x(sl.threshold))\" y2=\"\(y(0))\" stroke=\"#2ca02c\" stroke-dasharray=\"5,4\"/>"
            svg +=
                "<line x1=\"\(left)\" y1=\"\(y(sl.share * 100))\" x2=\"\(width - 10)\" y2=\"\(y(sl.share * 100))\" stroke=\"#2ca02c\" stroke-dasharray=\"5,4\"/>"
        }
        svg += "</svg>"
        return
            "<figure><figcaption>Answered within t seconds (answered calls, up to the 99th percentile)</figcaption>\(svg)</figure>\n"
    }

    /// Agents on the rota against the fewest that would meet each queue's targets in that interval on its own
    /// (Erlang A, queue by queue, added up; pooling across skills may need fewer).
    func staffingChart(_ active: [Int], _ labels: [String]) -> String {
        let scheduled = active.map { i in
            Estimate(mean: Double(model.groups.reduce(0) { $0 + $1.rota.headcount[i] }), halfWidth: 0, replications: 1)
        }
        let needed = active.map { i in
            Estimate(mean: Double(agentsNeeded(interval: i)), halfWidth: 0, replications: 1)
        }
        return chart(
            title: "Agents scheduled (blue) and needed by Erlang A per queue (red)",
            series: [("scheduled", scheduled, "#1f77b4"), ("needed", needed, "#d62728")], target: nil,
            labels: active.map { labels[$0] })
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
        var out =
            "<h2>IVR and EVR flows</h2>\n<table><tr><th>Node</th><th>Visits</th><th>Hang-up %</th><th>Mean s</th><th></th></tr>\n"
        let nodes = summary.nodes.filter { $0.visits.mean > 0 }
        let most = nodes.map(\.visits.mean).max() ?? 1
        for n in nodes {
            out += "<tr><td>\(escape(n.flow)): \(escape(n.name))</td><td>\(String(format: "%.0f", n.visits.mean))</td>"
            out +=
                "<td>\(String(format: "%.1f", n.hangUpShare.mean * 100))</td><td>\(String(format: "%.1f", n.meanTime.mean))</td>"
            out += "<td><span class=bar style=\"width:\(Int(200 * n.visits.mean / most))px\"></span></td></tr>\n"
        }
        return out + "</table>\n"
    }
}
