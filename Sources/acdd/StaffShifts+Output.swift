import ACDCore
import ACDReports
import Foundation
import IVRFlows
import ShiftPlanning

extension ShiftPlanReport {
    func table() -> String {
        var out = "\(scenario): shifts from \(shiftFile), a weekly rota per block (\(blocks.count) block"
        out += blocks.count == 1 ? ")\n" : "s)\n"
        out +=
            "Targets at the \(meet) grain: \(grainMet) of \(grainOf) (queue, \(meet)) pairs met in a fresh simulation "
        out +=
            "of the plan (\(checkReplications) replications, seed \(checkSeed)). Search: \(simulations) simulations, "
        out += "\(repairs) repair round(s)"
        out += unmetCells > 0 ? "; \(unmetCells) rota cell(s) still missed.\n\n" : ".\n\n"
        out += teamTable().render() + "FTE: \(fteBasis).\n\n"
        if blocks.count > 1 { out += "FTE per block:\n" + blockTable().render() + "\n" }
        out += "Shift plan (--format csv for a spreadsheet):\n" + Self.shiftTable(shifts).render() + "\n"
        out += "Per block and queue, in the fresh simulation (figures over the block, mean of the replications; "
        out += "? where a target lies inside the 95% interval; intervals meeting every target):\n"
        out += Self.verdictTable(verdicts).render() + "\n"
        out += String(
            format: "MIP (GLPK): %d covering problems, the largest %d rows × %d integer columns (%d non-zeros); "
                + "%.1f s solving; gap %.2f%% overall, %.2f%% at worst; %@. Weekly cost %.0f (%.0f before repair; "
                + "%.0f for greedy covers).\n",
            solver.problems, solver.largestRows, solver.largestColumns, solver.largestNonzeros, solver.seconds,
            solver.overallGap * 100, solver.worstGap * 100,
            solver.statuses.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "),
            solver.weeklyCost, solver.firstWeeklyCost, solver.greedyWeeklyCost)
        return out
    }

    func teamTable() -> TextTable {
        var table = TextTable(header: [
            "Team", "People", "Paid h/week", "Needed h", "On phones h", "Now h", "FTE", "FTE now", "Change",
            "Cost/year", "Now/year",
        ])
        func money(_ x: Double?) -> String { x.map { String(format: "%.0f", $0) } ?? "" }
        for t in teams + [total] {
            table.add([
                t.name, String(format: "%.1f", t.people), String(format: "%.0f", t.paidHoursPerWeek),
                String(format: "%.0f", t.neededHours), String(format: "%.0f", t.agentHours),
                String(format: "%.0f", t.agentHoursNow),
                String(format: "%.1f", t.fte), String(format: "%.1f", t.fteNow),
                String(format: "%+.1f", t.fte - t.fteNow), money(t.costPerYear), money(t.costNowPerYear),
            ])
        }
        return table
    }

    /// Each team's FTE in each block, blocks as columns (month labels shortened to `Nov`, `Dec`...).
    func blockTable() -> TextTable {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let labels = blocks.map { label -> String in
            guard label.count == 7, let m = Int(label.suffix(2)), (1...12).contains(m) else { return label }
            return months[m - 1]
        }
        var table = TextTable(header: ["Team"] + labels)
        var total = Array(repeating: 0.0, count: blocks.count)
        for t in teams where !t.fteByBlock.isEmpty {
            table.add([t.name] + t.fteByBlock.map { String(format: "%.1f", $0) })
            for b in total.indices { total[b] += t.fteByBlock[b] }
        }
        table.add(["Planned teams"] + total.map { String(format: "%.1f", $0) })
        return table
    }

    static func shiftTable(_ shifts: [Shift]) -> TextTable {
        var table = TextTable(header: ["Block", "Team", "Pattern", "Start", "End", "Days", "Breaks", "People"])
        table.leftAligned = [0, 1, 2, 5, 6]
        for s in shifts {
            table.add([s.block, s.group, s.pattern, s.start, s.end, s.days, s.breaks, "\(s.people)"])
        }
        return table
    }

    static func verdictTable(_ verdicts: [Verdict]) -> TextTable {
        var table = TextTable(header: [
            "Block", "Queue", "Calls", "ASA s", "Abandoned", "Targets", "Verdict", "Intervals met",
        ])
        table.leftAligned = [0, 1, 5, 6]
        for v in verdicts {
            table.add([
                v.block, v.queue, String(format: "%.0f", v.calls), String(format: "%.0f", v.asa),
                String(format: "%.1f%%", v.abandonment * 100), v.targets, v.verdict,
                v.intervals > 0 ? String(format: "%.0f%%", Double(v.intervalsMet) / Double(v.intervals) * 100) : "",
            ])
        }
        return table
    }

    /// The plan, one row per block, team, pattern, start, days and break times.
    static func csv(_ shifts: [Shift]) -> String {
        var out = "block,group,pattern,start,end,days,breaks,people,paid_hours_per_week\n"
        for s in shifts {
            out += [s.block, s.group, s.pattern, s.start, s.end, s.days, s.breaks].map(csvField).joined(separator: ",")
            out += ",\(s.people),\(s.paidHoursPerWeek.formatted(digits: 2))\n"
        }
        return out
    }
}

/// The HTML page of `staff --shifts --html`: the tables, then per team and block a week's coverage, agents needed
/// against agents scheduled on the phones.
struct CoveragePage {
    var report: ShiftPlanReport
    var scenario: Scenario
    var solver: StaffingSolver
    var result: ShiftPlanner.Result

    func html() -> String {
        var body = "<h1>\(escapeHTML(report.scenario)): shift plan</h1>\n"
        body += "<p class=\"lead\">Shifts from \(escapeHTML(report.shiftFile)); targets at the \(report.meet) grain: "
        body += "\(report.grainMet) of \(report.grainOf) met. FTE: \(escapeHTML(report.fteBasis)).</p>\n"
        body += report.teamTable().html(caption: "Teams: plan against the current rota")
        if report.blocks.count > 1 { body += report.blockTable().html(caption: "FTE per block") }
        body += ShiftPlanReport.verdictTable(report.verdicts).html(caption: "Per block and queue")
        body += "<h2>Coverage per interval: agents needed and scheduled on the phones</h2>\n"
        let perDay = solver.weekCells / 7
        for (g, group) in scenario.model.groups.enumerated() {
            let blocks = result.plans[g].enumerated().compactMap { b, plan in plan.map { (b, $0) } }
            guard !blocks.isEmpty else { continue }
            body += "<h3>\(escapeHTML(group.name))</h3>\n<div class=\"row\">\n"
            for (b, plan) in blocks {
                body += CoverageChart.svg(
                    title: "\(group.name), \(report.blocks[b])", needed: plan.need, scheduled: plan.onPhones,
                    perDay: perDay)
            }
            body += "</div>\n"
        }
        body += ShiftPlanReport.shiftTable(report.shifts).html(caption: "Shift plan")
        return HTMLReport.page(title: "\(report.scenario): shift plan", body: body)
    }
}
