import ACDReports
import ArgumentParser
import Foundation
import IVRFlows
import ShiftPlanning

struct Shifts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cover a weekly requirement with shifts: the covering MIP alone, without simulation.",
        discussion: """
            Reads agents needed per weekday and time (CSV: weekday,time,agents, optionally group and block, as \
            `acdd staff --format csv` writes them) and a shift file (docs/shifts.md), and finds for each group and \
            block the people per shift that cover the need in every interval at least cost. `acdd staff --shifts` \
            does the same and then checks the plan by simulation; this command is for a requirement from elsewhere \
            and for comparisons with other tools (Benchmarks/pyworkforce).

            Example: acdd staff flows/leeds --by month --format csv > need.csv && \
            acdd shifts need.csv flows/leeds/shifts.yaml
            """)

    @Argument(help: "The requirement, CSV.")
    var need: String

    @Argument(help: "The shift file.")
    var shifts: String

    @Option(help: "Length of an interval in the requirement.")
    var interval = "30m"

    @Option(name: .shortAndLong, help: "Output: table, csv (the plan) or json (the plan and the solver's figures).")
    var format: OutputFormat = .table

    struct Plan: Encodable {
        var block: String
        var group: String
        var people: Int
        var paidHoursPerWeek: Double
        var costPerWeek: Double
        var intervalsUnder: Int
        var status: String
        var gap: Double
        var seconds: Double
        var rows: Int
        var columns: Int
        var greedyCostPerWeek: Double
        var shifts: [ShiftPlanReport.Shift]
    }

    func run() throws {
        guard let length = Quantity.seconds(interval), length >= 60, (86400 / length).rounded() == 86400 / length
        else { throw ValidationError("--interval must divide a day, e.g. 15m or 30m") }
        let rules: ShiftRules
        let needs: [WeeklyNeed]
        do {
            rules = try ShiftReader.load(path: shifts)
            needs = try WeeklyNeed.load(path: need, intervalLength: length)
        } catch { throw failInput(error) }
        var plans: [Plan] = []
        for week in needs {
            let allowed = week.group.isEmpty ? Array(rules.patterns.indices) : rules.patterns(forGroup: week.group)
            guard week.need.contains(where: { $0 > 0 }) else { continue }
            let problem: CoverProblem
            do {
                problem = try CoverProblem(need: week.need, intervalLength: length, rules: rules, patterns: allowed)
            } catch {
                let place = [week.group, week.block].filter { !$0.isEmpty }.joined(separator: ", ")
                FileHandle.standardError.write(
                    Data("error: \(shifts): \(place.isEmpty ? "" : place + ": ")\(error)\n".utf8))
                throw ExitCode(2)
            }
            plans.append(plan(week, problem: problem, solution: problem.solve(), rules: rules))
        }
        switch format {
        case .json: print(try jsonText(plans))
        case .csv: print(ShiftPlanReport.csv(plans.flatMap(\.shifts)), terminator: "")
        case .table: printTable(plans)
        }
    }

    func plan(_ week: WeeklyNeed, problem: CoverProblem, solution: CoverSolution, rules: ShiftRules) -> Plan {
        let covered = problem.coverage(solution.counts)
        let under = week.need.indices.filter { covered[$0] + 1e-9 < Double(week.need[$0]) }.count
        let shifts = ShiftPlanReport.shifts(
            problem: problem, counts: solution.counts, rules: rules, block: week.block, group: week.group)
        return Plan(
            block: week.block, group: week.group, people: solution.counts.reduce(0, +),
            paidHoursPerWeek: zip(problem.variants, solution.counts).reduce(0) { $0 + $1.0.weeklyHours * Double($1.1) },
            costPerWeek: solution.cost, intervalsUnder: under, status: solution.status, gap: solution.gap,
            seconds: solution.seconds, rows: solution.rows, columns: solution.columns,
            greedyCostPerWeek: solution.greedyCost, shifts: shifts)
    }

    func printTable(_ plans: [Plan]) {
        var table = TextTable(header: [
            "Block", "Group", "People", "Paid h/week", "Cost/week", "Greedy", "Under", "Status", "Gap", "Seconds",
        ])
        table.leftAligned = [0, 1, 7]
        for p in plans {
            table.add([
                p.block, p.group, "\(p.people)", String(format: "%.1f", p.paidHoursPerWeek),
                String(format: "%.0f", p.costPerWeek), String(format: "%.0f", p.greedyCostPerWeek),
                "\(p.intervalsUnder)", p.status, String(format: "%.2f%%", p.gap * 100),
                String(format: "%.2f", p.seconds),
            ])
        }
        print(table.render())
        print(ShiftPlanReport.shiftTable(plans.flatMap(\.shifts)).render(), terminator: "")
    }
}
