import ACDCore
import ACDReports
import ArgumentParser
import Foundation
import IVRFlows
import ShiftPlanning

extension Staff {
    /// `--shifts`: cover the requirement with shifts, simulate and repair, then report the plan.
    func planShifts(
        _ scenario: Scenario, solver: StaffingSolver, answer: StaffingSolver.Answer, rules: ShiftRules,
        blockLabels: [String], shrinkage: Double
    ) throws {
        var planner = ShiftPlanner(solver: solver, rules: rules, blockLabels: blockLabels)
        planner.levelling = level
        let result: ShiftPlanner.Result
        do {
            result = try planner.plan(requirement: answer)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        // The check: the plan's rota simulated afresh, with its own seed and more replications than the search.
        var checked = scenario.model
        let rota = solver.expand(result.cells)
        for g in checked.groups.indices { checked.groups[g].rota = Rota(headcount: rota[g]) }
        let check = ReplicationRunner(model: checked, seed: solver.seed &+ 1)
            .summarize(replications: max(2, checkReplications))
        let report = ShiftPlanReport(
            scenario: scenario, solver: solver, rules: rules, result: result, blocks: blocks(scenario),
            grain: meetSpans(scenario), shrinkage: shrinkage, requirement: answer, check: check)
        if let html {
            try CoveragePage(report: report, scenario: scenario, solver: solver, result: result).html()
                .write(toFile: html, atomically: true, encoding: .utf8)
        }
        switch format {
        case .csv: print(ShiftPlanReport.csv(report.shifts), terminator: "")
        case .json: print(try jsonText(report))
        case .table: print(report.table(), terminator: "")
        }
    }

    /// The blocks of the rota as reports label them.
    func blocks(_ scenario: Scenario) -> [ReportSpan] {
        by.map { scenario.spans($0.span) }
            ?? [ReportSpan(kind: .month, label: "all weeks", intervals: 0..<scenario.model.intervalCount)]
    }

    /// The spans `--meet` judges, with their name (months by default).
    func meetSpans(_ scenario: Scenario) -> (name: String, spans: [Range<Int>]) {
        switch meet {
        case .interval: ("interval", (0..<scenario.model.intervalCount).map { $0..<($0 + 1) })
        case .day: ("day", scenario.spans(.day).map(\.intervals))
        case .month, nil: ("month", scenario.spans(.month).map(\.intervals))
        }
    }
}

/// What `staff --shifts` found: the shift plan, FTE and cost against the current rota, verdicts per block and queue,
/// and the MIP's size and solve time. `--format json` gives it whole.
struct ShiftPlanReport: Encodable {
    struct Shift: Encodable {
        var block: String
        var group: String
        var pattern: String
        var start: String
        var end: String
        var days: String
        var breaks: String
        var people: Int
        var paidHoursPerWeek: Double
    }

    struct Team: Encodable {
        var name: String
        /// People on the plan, a week, averaged over the blocks by their length.
        var people: Double
        var paidHoursPerWeek: Double
        /// Agent-hours of the requirement the shifts cover (before levelling and repair).
        var neededHours = 0.0
        /// Agent-hours on the phones in the plan, as simulated.
        var agentHours: Double
        var agentHoursNow: Double
        var fte: Double
        var fteNow: Double
        var costPerYear: Double?
        var costNowPerYear: Double?
        /// FTE in each block (paid hours of that block's plan a week / full-time hours / (1 − absence)).
        var fteByBlock: [Double] = []
    }

    struct Verdict: Encodable {
        var block: String
        var queue: String
        var calls: Double
        var asa: Double
        var abandonment: Double
        var targets: String
        var met: Bool
        /// `met`, `missed`, or with `?` when a target lies inside a 95% interval.
        var verdict: String
        var intervalsMet: Int
        var intervals: Int
    }

    struct Solver: Encodable {
        var problems: Int
        var largestRows: Int
        var largestColumns: Int
        var largestNonzeros: Int
        var seconds: Double
        var worstGap: Double
        /// The plans' total cost against the sum of their bounds.
        var overallGap: Double
        var statuses: [String: Int]
        var weeklyCost: Double
        var greedyWeeklyCost: Double
        /// The weekly cost of the plans before simulation-driven repair.
        var firstWeeklyCost: Double
    }

    var scenario: String
    var shiftFile: String
    var blocks: [String]
    var meet: String
    /// (queue, span) pairs at the `meet` grain with calls, and how many meet every target.
    var grainMet: Int
    var grainOf: Int
    var simulations: Int
    /// The verdicts come from a fresh simulation of the plan: this many replications, this seed.
    var checkReplications: Int
    var checkSeed: UInt64
    var repairs: Int
    var unmetCells: Int
    var fteBasis: String
    var teams: [Team]
    var total: Team
    var shifts: [Shift]
    var verdicts: [Verdict]
    var solver: Solver
    /// Per team and block, the agents needed (after repair) and scheduled on the phones in each interval of the
    /// week, Monday 00:00 first.
    var coverage: [Coverage]

    struct Coverage: Encodable {
        var block: String
        var group: String
        var needed: [Int]
        var scheduled: [Int]
    }

    init(
        scenario: Scenario, solver: StaffingSolver, rules: ShiftRules, result: ShiftPlanner.Result,
        blocks: [ReportSpan], grain: (name: String, spans: [Range<Int>]), shrinkage: Double,
        requirement: StaffingSolver.Answer, check: Summary
    ) {
        self.scenario = scenario.name
        shiftFile = rules.file
        self.blocks = blocks.map(\.label)
        meet = grain.name
        simulations = requirement.simulations + result.simulations
        repairs = result.repairs
        unmetCells = result.unmet.count
        shifts = Self.shifts(scenario.model, rules: rules, result: result, blocks: blocks)
        verdicts = Self.verdicts(check, blocks: blocks)
        coverage = blocks.indices.flatMap { b in
            scenario.model.groups.indices.compactMap { g in
                result.plans[g][b].map {
                    Coverage(
                        block: blocks[b].label, group: scenario.model.groups[g].name, needed: $0.need,
                        scheduled: $0.onPhones)
                }
            }
        }
        (grainMet, grainOf) = Self.grainCheck(check, spans: grain.spans)
        checkReplications = check.replications
        checkSeed = solver.seed &+ 1
        let now = FullTimeEquivalent(weeklyHours: rules.fullTimeHours, shrinkage: shrinkage)
        fteBasis =
            "planned: paid hours / \(rules.fullTimeHours.formatted(digits: 1)) h a week / (1 - "
            + "\((rules.absence * 100).formatted(digits: 1))% absence); now: "
            + now.basis(periodSeconds: scenario.model.horizon)
        var teams = Self.teams(scenario.model, solver: solver, rules: rules, result: result, blocks: blocks, now: now)
        for g in teams.indices {
            teams[g].neededHours = Double(requirement.rota[g].reduce(0, +)) * scenario.model.intervalLength / 3600
        }
        self.teams = teams
        func sum(_ pick: (Team) -> Double?) -> Double? {
            teams.contains { pick($0) == nil } ? nil : teams.reduce(0) { $0 + pick($1)! }
        }
        total = Team(
            name: "Total", people: sum(\.people)!, paidHoursPerWeek: sum(\.paidHoursPerWeek)!,
            neededHours: sum(\.neededHours)!, agentHours: sum(\.agentHours)!, agentHoursNow: sum(\.agentHoursNow)!,
            fte: sum(\.fte)!,
            fteNow: sum(\.fteNow)!, costPerYear: sum(\.costPerYear), costNowPerYear: sum(\.costNowPerYear))
        let solutions = result.plans.flatMap { $0.compactMap { $0 } }
        var statuses: [String: Int] = [:]
        for plan in solutions { statuses[plan.solution.status, default: 0] += 1 }
        self.solver = Solver(
            problems: solutions.count, largestRows: solutions.map(\.solution.rows).max() ?? 0,
            largestColumns: solutions.map(\.solution.columns).max() ?? 0,
            largestNonzeros: solutions.map(\.solution.nonzeros).max() ?? 0, seconds: result.mipSeconds,
            worstGap: solutions.map(\.solution.gap).max() ?? 0,
            overallGap: Self.overallGap(solutions.map(\.solution)), statuses: statuses,
            weeklyCost: solutions.reduce(0) { $0 + $1.solution.cost },
            greedyWeeklyCost: solutions.reduce(0) { $0 + $1.solution.greedyCost }, firstWeeklyCost: result.firstCost)
    }

    static func overallGap(_ solutions: [CoverSolution]) -> Double {
        let cost = solutions.reduce(0) { $0 + $1.cost }
        let bound = solutions.reduce(0) { $0 + min($1.bound, $1.cost) }
        return cost > 0 ? (cost - bound) / cost : 0
    }

    static func shifts(
        _ model: CentreModel, rules: ShiftRules, result: ShiftPlanner.Result, blocks: [ReportSpan]
    ) -> [Shift] {
        blocks.indices.flatMap { b in
            model.groups.indices.flatMap { g in
                result.plans[g][b].map { plan in
                    shifts(
                        problem: plan.problem, counts: plan.solution.counts, rules: rules, block: blocks[b].label,
                        group: model.groups[g].name)
                } ?? []
            }
        }
    }

    /// The rows of one plan: each variant with people on it.
    static func shifts(
        problem: CoverProblem, counts: [Int], rules: ShiftRules, block: String, group: String
    ) -> [Shift] {
        zip(problem.variants, counts).filter { $0.1 > 0 }.map { v, n in
            let pattern = rules.patterns[v.pattern]
            let breaks = zip(pattern.breaks, v.breakOffsets).map { b, offset in
                "\(b.name) \(Quantity.clockText((v.start + offset).truncatingRemainder(dividingBy: 86400)))"
            }
            return Shift(
                block: block, group: group, pattern: pattern.name, start: Quantity.clockText(v.start),
                end: Quantity.clockText((v.start + pattern.length).truncatingRemainder(dividingBy: 86400)),
                days: daysText(v.days), breaks: breaks.joined(separator: ", "), people: n,
                paidHoursPerWeek: v.weeklyHours)
        }
    }

    /// `Mon-Fri`, `Sat-Wed` (a run across the week's end), or `Mon, Wed, Fri`.
    static func daysText(_ days: [Int]) -> String {
        guard days.count > 2 else { return days.map { Weekday.label($0) }.joined(separator: ", ") }
        if days.count == 7 { return "every day" }
        let isRun = zip(days, days.dropFirst()).allSatisfy { ($0 + 1) % 7 == $1 }
        return isRun
            ? "\(Weekday.label(days[0]))-\(Weekday.label(days[days.count - 1]))"
            : days.map { Weekday.label($0) }.joined(separator: ", ")
    }

    static func verdicts(_ summary: Summary, blocks: [ReportSpan]) -> [Verdict] {
        let model = summary.model
        let index = { (m: QueueMetric) in QueueMetric.allCases.firstIndex(of: m)! }
        var out: [Verdict] = []
        for (q, queue) in model.queues.enumerated() {
            let figures = summary.spanMetrics(queue: q, spans: blocks.map(\.intervals))
            let meetings = summary.intervalsMeeting(queue: q, spans: blocks.map(\.intervals))
            for (b, block) in blocks.enumerated() where figures[b][index(.offered)].mean > 0 {
                let f = figures[b]
                let t = queue.targets
                let meeting = meetings[b]
                let targets = [QueueMetric.asa, .abandonment, .serviceLevel].compactMap { m in
                    t.value(of: m).map { Targets.text(m, $0) }
                }
                out.append(
                    Verdict(
                        block: block.label, queue: queue.name, calls: f[index(.offered)].mean,
                        asa: f[index(.asa)].mean, abandonment: f[index(.abandonment)].mean,
                        targets: targets.joined(separator: " "),
                        met: !t.missed(
                            asa: f[index(.asa)].mean, abandonment: f[index(.abandonment)].mean,
                            serviceLevel: f[index(.serviceLevel)].mean),
                        verdict: verdictLabel(t, f, index),
                        intervalsMet: meeting.met, intervals: meeting.of))
            }
        }
        return out.sorted { ($0.block, $0.queue) < ($1.block, $1.queue) }
    }

    /// Every targeted metric's verdict together: `missed` if any misses, `?` if any is uncertain.
    static func verdictLabel(_ t: Targets, _ f: [Estimate], _ index: (QueueMetric) -> Int) -> String {
        let verdicts = [QueueMetric.asa, .abandonment, .serviceLevel].compactMap { t.verdict($0, f[index($0)]) }
        let met = verdicts.allSatisfy(\.met)
        return (met ? "met" : "missed") + (verdicts.allSatisfy(\.certain) ? "" : "?")
    }

    static func grainCheck(_ summary: Summary, spans: [Range<Int>]) -> (Int, Int) {
        var met = 0
        var of = 0
        for q in summary.model.queues.indices {
            let index = { (m: QueueMetric) in QueueMetric.allCases.firstIndex(of: m)! }
            for f in summary.spanMetrics(queue: q, spans: spans) where f[index(.offered)].mean > 0 {
                of += 1
                let missed = summary.model.queues[q].targets.missed(
                    asa: f[index(.asa)].mean, abandonment: f[index(.abandonment)].mean,
                    serviceLevel: f[index(.serviceLevel)].mean)
                if !missed { met += 1 }
            }
        }
        return (met, of)
    }

    static func teams(
        _ model: CentreModel, solver: StaffingSolver, rules: ShiftRules, result: ShiftPlanner.Result,
        blocks: [ReportSpan], now: FullTimeEquivalent
    ) -> [Team] {
        let weeks = model.horizon / 604_800
        let rota = solver.expand(result.cells)
        let hourly = rules.costPerHour ?? rules.costPerFTE.map { $0 / (rules.fullTimeHours * ShiftRules.weeksPerYear) }
        let active = solver.active
        return model.groups.enumerated().map { g, group in
            var people = 0.0
            var paid = 0.0
            var cost = 0.0
            var byBlock = Array(repeating: 0.0, count: blocks.count)
            for (b, block) in blocks.enumerated() {
                guard let plan = result.plans[g][b] else { continue }
                // The block's share of the period, counting only the days the team is on the rota (a team that
                // starts mid-block is paid from its first day).
                let days = block.intervals.filter { active[g][$0] }.count
                let share = Double(days) * model.intervalLength / 604_800 / weeks
                for (v, n) in zip(plan.problem.variants, plan.solution.counts) where n > 0 {
                    people += Double(n) * share
                    paid += Double(n) * v.weeklyHours * share
                    cost += Double(n) * v.weeklyCost * share
                    byBlock[b] += Double(n) * v.weeklyHours / rules.fullTimeHours / (1 - rules.absence)
                }
            }
            let agentHours = Double(rota[g].reduce(0, +)) * model.intervalLength / 3600
            let agentHoursNow = Double(group.rota.headcount.reduce(0, +)) * model.intervalLength / 3600
            let planned = result.plans[g].contains { $0 != nil }
            // A group without a plan (pure overflow) keeps its rota, counted as now.
            let fte =
                planned
                ? paid / rules.fullTimeHours / (1 - rules.absence)
                : now.of(
                    agentHours: agentHours, periodSeconds: model.horizon)
            let fteNow = now.of(agentHours: agentHoursNow, periodSeconds: model.horizon)
            let yearly = { (fte: Double) in hourly.map { fte * rules.fullTimeHours * ShiftRules.weeksPerYear * $0 } }
            return Team(
                name: group.name, people: people, paidHoursPerWeek: paid, agentHours: agentHours,
                agentHoursNow: agentHoursNow, fte: fte, fteNow: fteNow,
                costPerYear: rules.isPriced && planned
                    ? cost * ShiftRules.weeksPerYear / (1 - rules.absence) : yearly(fte),
                costNowPerYear: yearly(fteNow), fteByBlock: planned ? byBlock : [])
        }
    }
}
