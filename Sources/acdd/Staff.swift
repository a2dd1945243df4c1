import ACDCore
import ACDReports
import ArgumentParser
import CLISupport
import Foundation
import IVRFlows
import ShiftPlanning

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

    @Option(
        name: .shortAndLong,
        help:
            "Replications per trial rota (default 10; 2 for a weekly rota over 8 weeks or more, whose cells pool the weeks)."
    )
    var replications: Int?

    @Option(
        help:
            "interval: a headcount for every interval of the period; weekly: one weekly rota repeated over the period (default when the period is over 14 days)."
    )
    var pattern: RotaPattern?

    @Option(help: ArgumentHelp("Cost of one FTE for a year, to price the change (any currency).", valueName: "amount"))
    var costPerFte: Double?

    enum RotaPattern: String, ExpressibleByArgument, CaseIterable { case interval, weekly }

    @Option(name: .shortAndLong, help: "Seed (default: the scenario's).")
    var seed: UInt64?

    @Option(
        help: "Share of paid time off the phones (leave, training, breaks), for FTE; the same default as calibrate.")
    var shrinkage = FTEDefaults.shrinkage

    @Option(help: "Paid hours per FTE per week.")
    var weeklyHours = FTEDefaults.weeklyHours

    @Option(
        name: .customLong("set"), parsing: .singleValue,
        help: ArgumentHelp("A change, as for simulate.", valueName: "path=value"))
    var overrides: [String] = []

    @Option(
        help: ArgumentHelp(
            "Give each week, month or season its own weekly rota, judged on its own calls (implies a weekly rota).",
            valueName: "block"))
    var by: BlockKind?

    @Option(
        help: ArgumentHelp(
            "What must hold besides each rota cell on its own calls: every interval, day or month.",
            valueName: "grain"))
    var meet: MeetGrain?

    @Option(help: ArgumentHelp("Turn the rota into shifts from this shift file (docs/shifts.md).", valueName: "file"))
    var shifts: String?

    @Option(help: ArgumentHelp("With --shifts: write an HTML page of coverage per interval.", valueName: "file"))
    var html: String?

    @Flag(
        inversion: .prefixedNo,
        help:
            "With --shifts: plan against the requirement levelled over neighbouring intervals (docs/shifts.md)."
    )
    var level = true

    @Option(help: "With --shifts: replications of the fresh simulation that checks the plan (its own seed).")
    var checkReplications = 10

    @Option(
        name: .shortAndLong,
        help:
            "Output: table, csv (the rota, or with --shifts the shift plan) or json (the totals and the rota or plan).")
    var format: OutputFormat = .table

    enum BlockKind: String, ExpressibleByArgument, CaseIterable {
        case week, month, season
        var span: ReportSpan.Kind { ReportSpan.Kind(rawValue: rawValue)! }
    }

    enum MeetGrain: String, ExpressibleByArgument, CaseIterable { case interval, day, month }

    func run() throws {
        let scenario = try loadScenario(self.scenario, overrides: overrides)
        let shrink = try parseShare(shrinkage, option: "--shrinkage")
        guard shrink < 1 else { throw ValidationError("--shrinkage must be below 100%") }
        let model = scenario.model
        let blocks = by.map { scenario.spans($0.span) }
        if let blocks, blocks.isEmpty { throw ValidationError("--by needs an interval that divides a day") }
        if by != nil, pattern == .interval { throw ValidationError("--by gives weekly rotas: leave out --pattern") }
        let weekly = by != nil || (pattern ?? (model.horizon > 14 * 86400 ? .weekly : .interval)) == .weekly
        if shifts != nil, !weekly { throw ValidationError("--shifts plans weekly rotas: use --by or --pattern weekly") }
        if html != nil, shifts == nil { throw ValidationError("--html draws a shift plan's coverage: add --shifts") }
        var rules: ShiftRules?
        if let shifts {
            do { rules = try ShiftReader.load(path: shifts) } catch { throw failInput(error) }
        }
        let replications = self.replications ?? (weekly && model.horizon >= 56 * 86400 ? 2 : 10)
        var solver = StaffingSolver(
            model: model, seed: seed ?? scenario.seed, replications: replications,
            pattern: weekly ? .weekly(startWeekday: scenario.startWeekday) : .interval,
            blocks: blocks?.map(\.intervals), meet: meetGrain(scenario))
        // The search makes about 15-20 simulations (17 for the Leeds year): the estimate takes 17.
        let estimate = RunEstimate(
            model: model, replications: replications * 17, threads: min(ProcessInfoCores.active, replications))
        announce(
            estimate.announcement(
                command: "staff (about 17 simulations of \(replications) replications)",
                shorten: ["fewer replications (--replications)", "a shorter period in the scenario"]))
        let meter = RunMeter()
        solver.meter = meter
        let progress = ProgressLine(label: "staff: replications", meter: meter)
        let answer = solver.solve()
        progress.finish()
        solver.meter = nil
        if let rules {
            let labels = blocks?.map(\.label) ?? ["all weeks"]
            try planShifts(
                scenario, solver: solver, answer: answer, rules: rules, blockLabels: labels, shrinkage: shrink)
            return
        }
        var result = StaffResult(
            scenario: scenario, solver: solver, answer: answer, weekly: weekly,
            fte: FullTimeEquivalent(weeklyHours: weeklyHours, shrinkage: shrink), costPerFte: costPerFte)
        if by != nil || meet != nil {
            result.verdicts = ShiftPlanReport.verdicts(answer.summary, blocks: self.blocks(scenario))
        }
        switch format {
        case .csv where weekly: printWeeklyCSV(scenario, solver: solver, answer: answer)
        case .csv: printIntervalCSV(scenario, solver: solver, answer: answer)
        case .json: print(try jsonText(result))
        case .table: printTable(result, scenario: scenario, answer: answer)
        }
    }

    /// What the search must meet besides each cell: the spans `--meet` names (``meetSpans(_:)``).
    private func meetGrain(_ scenario: Scenario) -> StaffingSolver.Meet {
        switch meet {
        case nil: .cells
        case .interval: .intervals
        case .day, .month: .spans(meetSpans(scenario).spans)
        }
    }

    private func printWeeklyCSV(_ scenario: Scenario, solver: StaffingSolver, answer: StaffingSolver.Answer) {
        let model = scenario.model
        let blocks = by.map { scenario.spans($0.span).map(\.label) }
        print((blocks == nil ? "" : "block,") + "group,weekday,time,agents,current_mean,erlang_a")
        let perDay = solver.weekCells / 7
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
                let block = blocks.map { csvField($0[c / solver.weekCells]) + "," } ?? ""
                print(
                    "\(block)\(csvField(group.name)),\(Weekday.label(c % solver.weekCells / perDay)),"
                        + String(format: "%02d:%02d", minutes / 60, minutes % 60)
                        + ",\(answer.cells[g][c]),\(String(format: "%.1f", current)),\(answer.erlang[g][c])")
            }
        }
    }

    private func printIntervalCSV(_ scenario: Scenario, solver: StaffingSolver, answer: StaffingSolver.Answer) {
        let erlang = solver.expand(answer.erlang)
        print("group,interval,label,agents,current,erlang_a")
        for (g, group) in scenario.model.groups.enumerated() {
            for i in 0..<scenario.model.intervalCount {
                print(
                    "\(csvField(group.name)),\(i),\(scenario.intervalLabel(i)),\(answer.rota[g][i]),"
                        + "\(group.rota.headcount[i]),\(erlang[g][i])")
            }
        }
    }

    private func printTable(_ result: StaffResult, scenario: Scenario, answer: StaffingSolver.Answer) {
        print(
            "\(scenario.name): fewest agents meeting every queue's targets "
                + (result.weekly ? "in every interval of a weekly rota, judged over all weeks" : "in every interval"))
        print("(\(result.simulations) simulations of \(result.replications) replications, seed \(result.seed))\n")
        var table = TextTable(header: [
            "Agent group", "Agent-hours", "Now", "Erlang A start", "FTE", "FTE now", "Change",
        ])
        for row in result.groups + [result.total] {
            table.add([
                row.name, String(format: "%.0f", row.agentHours), String(format: "%.0f", row.agentHoursNow),
                row.erlangAHours.map { String(format: "%.0f", $0) } ?? "", String(format: "%.1f", row.fte),
                String(format: "%.1f", row.fteNow), String(format: "%+.1f FTE", row.changeFte),
            ])
        }
        print(table.render())
        if let cost = result.costOfChange, let costPerFte {
            print(
                String(
                    format: "Cost of the change: %+.0f a year (%+.1f FTE at %.0f each).", cost, result.total.changeFte,
                    costPerFte))
        }
        print("FTE: \(result.fteBasis).")
        if let first = answer.unmet.first {
            print(
                "Not met even after repair in \(answer.unmet.count) interval(s), e.g. "
                    + "\(scenario.model.groups[first.group].name) at \(scenario.intervalLabel(first.interval)).")
        }
        print(
            "Intervals meeting every target (mean of the replications): "
                + result.intervalsMeeting.map { "\($0.queue) \(String(format: "%.0f%%", $0.share * 100))" }
                .joined(separator: ", ") + ".")
        if let verdicts = result.verdicts {
            print(
                "\nPer block and queue (the search's last simulation):\n"
                    + ShiftPlanReport.verdictTable(verdicts).render())
        }
        print(
            result.weekly
                ? "Weekly rota per group, weekday and time: --format csv." : "Per-interval rota: --format csv.")
    }
}

/// What `staff` found, as its table and `--format json` give it.
struct StaffResult: Encodable {
    struct Group: Encodable {
        var name: String
        var agentHours: Double
        var agentHoursNow: Double
        /// Agent-hours of the Erlang A rota the search started from (not for the total).
        var erlangAHours: Double?
        var fte: Double
        var fteNow: Double
        var changeFte: Double
    }

    var scenario: String
    var weekly: Bool
    var replications: Int
    var seed: UInt64
    var simulations: Int
    var groups: [Group]
    var total: Group
    var fteBasis: String
    var costOfChange: Double?
    var unmetIntervals: Int
    /// Per group, agents per interval of the period (or per weekly cell, Monday 00:00 first, for a weekly rota).
    var rota: [String: [Int]]
    /// Per queue, the share of intervals with calls that meet every target (mean of the replications).
    var intervalsMeeting: [QueueShare]
    /// With --by or --meet: per block and queue, the figures and verdicts.
    var verdicts: [ShiftPlanReport.Verdict]?

    struct QueueShare: Encodable {
        var queue: String
        var met: Int
        var intervals: Int
        var share: Double
    }

    init(
        scenario: Scenario, solver: StaffingSolver, answer: StaffingSolver.Answer, weekly: Bool,
        fte: FullTimeEquivalent, costPerFte: Double?
    ) {
        let model = scenario.model
        let hours = model.intervalLength / 3600
        let erlang = solver.expand(answer.erlang)
        func hoursOf(_ rota: [Int]) -> Double { Double(rota.reduce(0, +)) * hours }
        func fteOf(_ rota: [Int]) -> Double { fte.of(agentHours: hoursOf(rota), periodSeconds: model.horizon) }
        let groups = model.groups.enumerated().map { g, group in
            Group(
                name: group.name, agentHours: hoursOf(answer.rota[g]), agentHoursNow: hoursOf(group.rota.headcount),
                erlangAHours: hoursOf(erlang[g]), fte: fteOf(answer.rota[g]), fteNow: fteOf(group.rota.headcount),
                changeFte: fteOf(answer.rota[g]) - fteOf(group.rota.headcount))
        }
        self.groups = groups
        func sum(_ pick: (Group) -> Double) -> Double { groups.reduce(0) { $0 + pick($1) } }
        let total = Group(
            name: "Total", agentHours: sum(\.agentHours), agentHoursNow: sum(\.agentHoursNow), erlangAHours: nil,
            fte: sum(\.fte), fteNow: sum(\.fteNow), changeFte: sum(\.changeFte))
        self.total = total
        self.scenario = scenario.name
        self.weekly = weekly
        replications = solver.replications
        seed = solver.seed
        simulations = answer.simulations
        fteBasis = fte.basis(periodSeconds: model.horizon)
        costOfChange = costPerFte.map { $0 * total.changeFte }
        unmetIntervals = answer.unmet.count
        var rota: [String: [Int]] = [:]
        for (g, group) in model.groups.enumerated() { rota[group.name] = weekly ? answer.cells[g] : answer.rota[g] }
        self.rota = rota
        intervalsMeeting = model.queues.indices.map { q in
            let (met, of) = answer.summary.intervalsMeeting(queue: q)[0]
            return QueueShare(
                queue: model.queues[q].name, met: met, intervals: of, share: of > 0 ? Double(met) / Double(of) : 1)
        }
    }
}
