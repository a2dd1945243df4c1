import ACDCore
import ACDReports
import ArgumentParser
import Foundation
import IVRFlows

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two scenarios with common random numbers: is a change real or noise?",
        discussion: """
            Runs A and B with the same seed and replications, so both see the same callers wherever they agree, and \
            reports per queue B − A with a 95% confidence interval from the paired differences. A difference whose \
            interval excludes zero is real; otherwise it is within the noise.

            B is a second scenario file, or A changed with --set (the changes apply to B only):
              acdd compare flows/leeds --set 'groups[0].agents.shifts[+]={ days: mon-fri, from: "08:00", to: "10:00", agents: 10 }'
              acdd compare before.yaml after.yaml --replications 40 --format csv
            """)

    @Argument(help: "Scenario A (a file, or a folder with scenario.yaml).")
    var a: String

    @Argument(help: "Scenario B; omit it to compare A with A changed by --set.")
    var b: String?

    @Option(
        name: .customLong("set"), parsing: .singleValue,
        help: ArgumentHelp("A change to B (repeatable), as for simulate --set.", valueName: "path=value"))
    var overrides: [String] = []

    @Option(name: .shortAndLong, help: "Replications of each (default: A's scenario, else 10).")
    var replications: Int?

    @Option(name: .shortAndLong, help: "Seed shared by both (default: A's scenario).")
    var seed: UInt64?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(name: .shortAndLong, help: "Output: table, json or csv.")
    var format: OutputFormat = .table

    @Flag(help: "Only the rows that differ for real (or whose verdict against a target turns).")
    var short = false

    @Option(help: "Share of paid time off the phones, for the FTE of each rota.")
    var shrinkage = FTEDefaults.shrinkage

    @Option(help: "Paid hours per FTE per week.")
    var weeklyHours = FTEDefaults.weeklyHours

    @Option(help: ArgumentHelp("Cost of one FTE for a year, to price the difference.", valueName: "amount"))
    var costPerFte: Double?

    func validate() throws {
        if b == nil && overrides.isEmpty { throw ValidationError("give scenario B, or changes to A with --set") }
        if let replications, replications < 2 { throw ValidationError("--replications must be at least 2") }
    }

    func run() throws {
        let scenarioA = try loadScenario(a, overrides: [])
        let scenarioB = try loadScenario(b ?? a, overrides: overrides)
        (scenarioA.warnings + scenarioB.warnings).forEach(warn)
        let seed = self.seed ?? scenarioA.seed
        let count = replications ?? max(scenarioA.replications, 2)
        let summaryA = ReplicationRunner(model: scenarioA.model, seed: seed, threads: threads).summarize(
            replications: count)
        let summaryB = ReplicationRunner(model: scenarioB.model, seed: seed, threads: threads).summarize(
            replications: count)
        var metrics: [QueueMetric] = [.offered, .answered, .asa, .serviceLevel, .abandonment, .meanWait, .p90]
        if !scenarioA.model.entries.isEmpty { metrics.append(.deflection) }
        let comparison = Comparison(a: summaryA, b: summaryB, metrics: metrics)
        let rule = FullTimeEquivalent(
            weeklyHours: weeklyHours, shrinkage: try parseShare(shrinkage, option: "--shrinkage"))
        let result = CompareResult(
            a: scenarioA.name, b: b ?? "A with \(overrides.joined(separator: ", "))", replications: count, seed: seed,
            rows: comparison.rows.filter { !short || $0.isReal || $0.verdictChanged }.map(CompareResult.Row.init),
            staff: CompareResult.Staff(a: scenarioA.model, b: scenarioB.model, rule: rule, costPerFte: costPerFte))
        switch format {
        case .table: print(result.table(), terminator: "")
        case .csv: print(result.csv(), terminator: "")
        case .json: print(try jsonText(result))
        }
    }
}

/// What `compare` found, as its table, CSV and JSON give it.
struct CompareResult: Encodable {
    struct Row: Encodable {
        var queue: String
        var metric: String
        var a: Double
        var b: Double
        var difference: Double
        var halfWidth: Double
        var real: Bool
        var unchanged: Bool
        var target: Double?
        var verdictA: String?
        var verdictB: String?
        var isShare: Bool
        /// The target as reports write it (`≤180 s`).
        var targetText: String?

        init(_ row: Comparison.Row) {
            queue = row.queue
            metric = row.metric.rawValue
            a = row.a.mean
            b = row.b.mean
            difference = row.difference.mean
            halfWidth = row.difference.halfWidth
            real = row.isReal
            unchanged = row.isUnchanged
            target = row.targetB ?? row.targetA
            targetText = target.map { Targets.text(row.metric, $0) }
            verdictA = row.verdictA?.label
            verdictB = row.verdictB?.label
            isShare = row.metric.isShare
        }

        enum CodingKeys: String, CodingKey {
            case queue, metric, a, b, difference, halfWidth, real, unchanged, target, verdictA, verdictB
        }
    }

    /// The FTE of each side's rota, by the one FTE rule, and what the difference costs.
    struct Staff: Encodable {
        var fteA: Double
        var fteB: Double
        var difference: Double
        var costPerYear: Double?
        var basis: String

        init(a: CentreModel, b: CentreModel, rule: FullTimeEquivalent, costPerFte: Double?) {
            let (fteA, fteB) = (rule.ofRota(a), rule.ofRota(b))
            self.fteA = fteA
            self.fteB = fteB
            difference = fteB - fteA
            costPerYear = costPerFte.map { $0 * (fteB - fteA) }
            basis = rule.basis(periodSeconds: a.horizon)
        }
    }

    var a: String
    var b: String
    var replications: Int
    var seed: UInt64
    var rows: [Row]
    var staff: Staff

    func table() -> String {
        var out = "A: \(a)\nB: \(b)\n\(replications) replications each, seed \(seed), common random numbers\n\n"
        var table = TextTable(header: ["Queue", "Metric", "A", "B", "B − A (95% CI)", "Real?", "Target: A → B"])
        for row in rows {
            let scale = row.isShare ? 100.0 : 1
            let digits = row.isShare ? "%.2f" : (row.metric == "offered" || row.metric == "answered" ? "%.0f" : "%.1f")
            func f(_ x: Double) -> String { String(format: digits, x * scale) }
            let difference =
                row.unchanged
                ? "unchanged"
                : "\(row.difference >= 0 ? "+" : "")\(f(row.difference)) ±\(f(row.halfWidth))\(row.isShare ? " pts" : "")"
            let verdict =
                row.targetText.map { "\($0): \(row.verdictA ?? "-") → \(row.verdictB ?? "-")" } ?? ""
            table.add([
                row.queue, row.metric, f(row.a), f(row.b), difference,
                row.unchanged ? "" : row.real ? "yes" : "no (noise)", verdict,
            ])
        }
        out += rows.isEmpty ? "No real differences.\n" : table.render()
        let turned = rows.filter {
            ($0.verdictA?.hasPrefix("met") ?? false) != ($0.verdictB?.hasPrefix("met") ?? false)
        }
        if !turned.isEmpty { out += "\nVerdicts that turn:\n" }
        for row in turned {
            out += "  \(row.queue) \(row.metric) \(row.targetText ?? ""): "
            out += "\(row.verdictA ?? "-") → \(row.verdictB ?? "-")\n"
        }
        out += String(
            format: "\nStaff: A %.1f FTE, B %.1f FTE, B − A %+.1f FTE", staff.fteA, staff.fteB, staff.difference)
        if let cost = staff.costPerYear { out += String(format: " (%+.0f a year)", cost) }
        out += ".\nFTE: \(staff.basis).\n"
        return out
    }

    func csv() -> String {
        var out = "queue,metric,a_mean,b_mean,difference,half_width,real,unchanged,target,verdict_a,verdict_b\n"
        for row in rows {
            out +=
                "\(csvField(row.queue)),\(row.metric),\(row.a),\(row.b),\(row.difference),\(row.halfWidth),\(row.real),"
                + "\(row.unchanged),\(row.target.map { String($0) } ?? ""),\(row.verdictA ?? ""),\(row.verdictB ?? "")\n"
        }
        return out
    }
}
