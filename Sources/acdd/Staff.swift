import ACDCore
import ACDReports
import ArgumentParser
import Foundation
import IVRFlows

struct Staff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the fewest agents per interval and group that meet every queue's targets.",
        discussion: """
            Starts from Erlang A per queue and interval and refines by simulation of the whole period, so that \
            multi-skill pooling, overflow and queues carried across intervals count (docs/staffing.md). Reports the \
            rota, the agent-hours and FTE after shrinkage, and the difference from the scenario's own rota.

            Example: acdd staff examples/two-skills.yaml --shrinkage 30% --format csv > rota.csv
            """)

    @Argument(help: "The scenario file, or a folder with scenario.yaml.")
    var scenario: String

    @Option(name: .shortAndLong, help: "Replications per trial rota (default 10; 2 for a weekly rota over 8 weeks or more, whose cells pool the weeks).")
    var replications: Int?

    @Option(help: "interval: a headcount for every interval of the period; weekly: one weekly rota repeated over the period (default when the period is over 14 days).")
    var pattern: RotaPattern?

    @Option(help: ArgumentHelp("Cost of one FTE for a year, to price the change (any currency).", valueName: "amount"))
    var costPerFte: Double?

    enum RotaPattern: String, ExpressibleByArgument, CaseIterable { case interval, weekly }

    @Option(name: .shortAndLong, help: "Seed (default: the scenario's).")
    var seed: UInt64?

    @Option(help: "Share of paid time off the phones (leave, training, breaks), for FTE; the same default as calibrate.")
    var shrinkage = FTEDefaults.shrinkage

    @Option(help: "Paid hours per FTE per week.")
    var weeklyHours = FTEDefaults.weeklyHours

    @Option(name: .customLong("set"), parsing: .singleValue, help: ArgumentHelp("A change, as for simulate.", valueName: "path=value"))
    var overrides: [String] = []

    @Option(name: .shortAndLong, help: "Output: table or csv.")
    var format: OutputFormat = .table

    func run() throws {
        let scenario = try loadScenario(self.scenario, overrides: overrides)
        let shrink = try parseShare(shrinkage, option: "--shrinkage")
        guard shrink < 1 else { throw ValidationError("--shrinkage must be below 100%") }
        let model = scenario.model
        let weekly = (pattern ?? (model.horizon > 14 * 86400 ? .weekly : .interval)) == .weekly
        let replications = self.replications ?? (weekly && model.horizon >= 56 * 86400 ? 2 : 10)
        let solver = StaffingSolver(
            model: model, seed: seed ?? scenario.seed, replications: replications,
            pattern: weekly ? .weekly(startWeekday: scenario.startWeekday) : .interval)
        let answer = solver.solve()
        let erlang = solver.expand(answer.erlang)
        let hours = model.intervalLength / 3600
        let weeks = model.horizon / (7 * 86400)
        func fte(_ rota: [Int]) -> Double { Double(rota.reduce(0, +)) * hours / weeks / weeklyHours / (1 - shrink) }
        switch format {
        case .csv where weekly:
            print("group,weekday,time,agents,current_mean,erlang_a")
            let perDay = solver.cellCount / 7
            for (g, group) in model.groups.enumerated() {
                var sum = Array(repeating: 0, count: solver.cellCount)
                var weeks = Array(repeating: 0, count: solver.cellCount)
                for i in 0..<model.intervalCount where answer.rota[g][i] > 0 || group.rota.headcount[i] > 0 {
                    sum[solver.cell(ofInterval: i)] += group.rota.headcount[i]
                    weeks[solver.cell(ofInterval: i)] += 1
                }
                for c in 0..<solver.cellCount {
                    let minutes = Int(Double(c % perDay) * model.intervalLength / 60)
                    let current = weeks[c] > 0 ? Double(sum[c]) / Double(weeks[c]) : 0
                    print("\(csvField(group.name)),\(Weekday.label(c / perDay)),"
                        + String(format: "%02d:%02d", minutes / 60, minutes % 60)
                        + ",\(answer.cells[g][c]),\(String(format: "%.1f", current)),\(answer.erlang[g][c])")
                }
            }
        case .csv:
            print("group,interval,label,agents,current,erlang_a")
            for (g, group) in model.groups.enumerated() {
                for i in 0..<model.intervalCount {
                    print("\(csvField(group.name)),\(i),\(scenario.intervalLabel(i)),\(answer.rota[g][i]),"
                        + "\(group.rota.headcount[i]),\(erlang[g][i])")
                }
            }
        case .table, .json:
            print(
                "\(scenario.name): fewest agents meeting every queue's targets "
                    + (weekly ? "in every interval of a weekly rota, judged over all weeks" : "in every interval"))
            print("(\(answer.simulations) simulations of \(replications) replications, seed \(solver.seed))\n")
            var table = TextTable(header: ["Agent group", "Agent-hours", "Now", "Erlang A start", "FTE", "FTE now", "Change"])
            var total = (0.0, 0.0, 0.0, 0.0)
            for (g, group) in model.groups.enumerated() {
                let needed = Double(answer.rota[g].reduce(0, +)) * hours
                let now = Double(group.rota.headcount.reduce(0, +)) * hours
                let start = Double(erlang[g].reduce(0, +)) * hours
                let f = fte(answer.rota[g])
                let fNow = fte(group.rota.headcount)
                total = (total.0 + needed, total.1 + now, total.2 + f, total.3 + fNow)
                table.add([
                    group.name, String(format: "%.0f", needed), String(format: "%.0f", now), String(format: "%.0f", start),
                    String(format: "%.1f", f), String(format: "%.1f", fNow), String(format: "%+.1f FTE", f - fNow),
                ])
            }
            table.add([
                "Total", String(format: "%.0f", total.0), String(format: "%.0f", total.1), "",
                String(format: "%.1f", total.2), String(format: "%.1f", total.3),
                String(format: "%+.1f FTE", total.2 - total.3),
            ])
            print(table.render())
            if let costPerFte {
                print(String(format: "Cost of the change: %+.0f a year (%+.1f FTE at %.0f each).",
                    (total.2 - total.3) * costPerFte, total.2 - total.3, costPerFte))
            }
            print(
                String(
                    format: "FTE: agent-hours scaled to a week (the period is %.1f days) / %.0f paid hours / (1 - %.0f%% shrinkage).",
                    model.horizon / 86400, weeklyHours, shrink * 100))
            if !answer.unmet.isEmpty {
                print("Not met even after repair in \(answer.unmet.count) interval(s), e.g. \(model.groups[answer.unmet[0].group].name) at \(scenario.intervalLabel(answer.unmet[0].interval)).")
            }
            print(weekly ? "Weekly rota per group, weekday and time: --format csv." : "Per-interval rota: --format csv.")
        }
    }
}
