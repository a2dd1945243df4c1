import ACDCore
import ACDReports
import ArgumentParser
import Foundation
import IVRFlows

/// Traffic options shared by the Erlang commands.
struct TrafficOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Arrival rate, e.g. 120/h, 2/m, 3000/d.", valueName: "rate"))
    var rate: String

    @Option(help: ArgumentHelp("Mean handle time (talk + wrap-up), e.g. 180, 180s, 3m.", valueName: "duration"))
    var aht: String

    @Option(help: ArgumentHelp("Mean patience for Erlang A, e.g. 120s; omit for Erlang C.", valueName: "duration"))
    var patience: String?

    @Option(help: ArgumentHelp("Service-level threshold.", valueName: "duration"))
    var within: String = "20s"

    @Option(name: .shortAndLong, help: "Output: table, json or csv.")
    var format: OutputFormat = .table

    func traffic() throws -> Traffic {
        Traffic(
            arrivalRate: try parseRate(rate, option: "--rate"), meanHandleTime: try parseDuration(aht, option: "--aht"),
            meanPatience: try patience.map { try parseDuration($0, option: "--patience") })
    }

    func threshold() throws -> Double { try parseDuration(within, option: "--within", allowZero: true) }
}

struct Erlang: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Exact Erlang C (M/M/n) and Erlang A (M/M/n+M) figures for planners.",
        discussion: """
            Without --patience callers never abandon (Erlang C); with it, they abandon after an exponential patience \
            of that mean (Erlang A). Definitions: docs/formulas.md.

            Examples:
              acdd erlang table --rate 120/h --aht 180s --agents 6-10
              acdd erlang table --rate 1900/h --aht 180s --patience 300s --agents 100
              acdd erlang staff --rate 120/h --aht 180s --patience 120s --asa 30s --abandonment 5% --shrinkage 30%
            """,
        subcommands: [ErlangTable.self, ErlangStaff.self],
        defaultSubcommand: ErlangTable.self)
}

struct ErlangTable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table", abstract: "Performance for a number, or a range, of agents.")

    @OptionGroup var traffic: TrafficOptions

    @Option(help: ArgumentHelp("Agents: a number (10) or a range (8-14).", valueName: "n"))
    var agents: String

    func run() throws {
        let t = try traffic.traffic()
        let threshold = try traffic.threshold()
        let range = try parseAgentRange(agents)
        let rows = range.map { erlangA(t, agents: $0, threshold: threshold) }
        print(try renderPerformance(rows, traffic: t, format: traffic.format), terminator: "")
    }
}

struct ErlangStaff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "The fewest agents that meet every target given.")

    @OptionGroup var traffic: TrafficOptions

    @Option(help: ArgumentHelp("Average speed of answer at most this.", valueName: "duration"))
    var asa: String?

    @Option(help: ArgumentHelp("Abandoned share at most this (Erlang A), e.g. 8%.", valueName: "share"))
    var abandonment: String?

    @Option(help: ArgumentHelp("At least this share answered within --within, e.g. 80%.", valueName: "share"))
    var serviceLevel: String?

    @Flag(help: "Service level over offered calls instead of answered calls.")
    var overOffered = false

    @Option(help: ArgumentHelp("Occupancy at most this, e.g. 85%.", valueName: "share"))
    var maxOccupancy: String?

    @Option(help: ArgumentHelp("Share of paid time off the phones, e.g. 30%.", valueName: "share"))
    var shrinkage: String = "0"

    func run() throws {
        let t = try traffic.traffic()
        let threshold = try traffic.threshold()
        let goal = StaffingGoal(
            asa: try asa.map { try parseDuration($0, option: "--asa", allowZero: true) },
            abandonment: try abandonment.map { try parseShare($0, option: "--abandonment") },
            serviceLevel: try serviceLevel.map {
                ServiceLevelTarget(threshold: threshold, share: try parseShare($0, option: "--service-level"))
            },
            serviceLevelOverOffered: overOffered,
            maxOccupancy: try maxOccupancy.map { try parseShare($0, option: "--max-occupancy") })
        guard goal.asa != nil || goal.abandonment != nil || goal.serviceLevel != nil || goal.maxOccupancy != nil else {
            throw ValidationError("give at least one target: --asa, --abandonment, --service-level or --max-occupancy")
        }
        let shrink = try parseShare(shrinkage, option: "--shrinkage")
        guard shrink < 1 else { throw ValidationError("--shrinkage must be below 100%") }
        guard let answer = staff(t, goal: goal, threshold: threshold, shrinkage: shrink) else {
            throw ValidationError("no number of agents up to 1,000,000 meets these targets")
        }
        let fewer = answer.agents > 1 ? erlangA(t, agents: answer.agents - 1, threshold: threshold) : nil
        let decided = fewer.map { goal.missed(by: $0) } ?? []
        switch traffic.format {
        case .json:
            let result = StaffJSON(
                agents: answer.agents, fte: answer.fullTimeEquivalent, shrinkage: shrink,
                performance: PerformanceJSON(answer.performance), oneFewer: fewer.map(PerformanceJSON.init),
                missedWithOneFewer: decided)
            print(try jsonText(result))
        case .csv:
            print(
                try renderPerformance([fewer, answer.performance].compactMap { $0 }, traffic: t, format: .csv),
                terminator: "")
        case .table:
            print(try renderPerformance([fewer, answer.performance].compactMap { $0 }, traffic: t, format: .table))
            print(
                String(
                    format: "%d agents on the phones; %.2f FTE to employ at %.0f%% shrinkage (%d rounded up).",
                    answer.agents, answer.fullTimeEquivalent, shrink * 100, Int(answer.fullTimeEquivalent.rounded(.up)))
            )
            if !decided.isEmpty {
                print("Decided by: with \(answer.agents - 1) agents, \(decided.joined(separator: "; ")).")
            }
        }
    }
}

/// `erlang staff --format json`.
private struct StaffJSON: Encodable {
    var agents: Int
    var fte: Double
    var shrinkage: Double
    var performance: PerformanceJSON
    /// With one agent fewer, and the targets it misses (which decided the answer).
    var oneFewer: PerformanceJSON?
    var missedWithOneFewer: [String]
}

/// One row of Erlang figures; `nil` where a figure is infinite (an unstable queue).
struct PerformanceJSON: Encodable {
    var agents: Int
    var pWait: Double?
    var pAbandon: Double?
    var asaS: Double?
    var meanWaitAllS: Double?
    var slAnswered: Double?
    var slOffered: Double?
    var occupancy: Double?
    var thresholdS: Double
    var stable: Bool

    init(_ p: QueuePerformance) {
        func n(_ x: Double) -> Double? { x.isFinite ? x : nil }
        agents = p.agents
        pWait = n(p.probabilityOfWaiting)
        pAbandon = n(p.probabilityOfAbandoning)
        asaS = n(p.averageSpeedOfAnswer)
        meanWaitAllS = n(p.meanWaitAll)
        slAnswered = n(p.serviceLevelOfAnswered)
        slOffered = n(p.serviceLevelOfOffered)
        occupancy = n(p.occupancy)
        thresholdS = p.threshold
        stable = p.isStable
    }
}

/// Pretty JSON with snake_case keys, sorted.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

func renderPerformance(_ rows: [QueuePerformance], traffic: Traffic, format: OutputFormat) throws -> String {
    switch format {
    case .json:
        return try jsonText(rows.map(PerformanceJSON.init)) + "\n"
    case .csv:
        var out = "agents,p_wait,p_abandon,asa_s,mean_wait_all_s,sl_answered,sl_offered,occupancy,threshold_s\n"
        for p in rows {
            out += "\(p.agents),\(p.probabilityOfWaiting),\(p.probabilityOfAbandoning),\(p.averageSpeedOfAnswer),"
            out += "\(p.meanWaitAll),\(p.serviceLevelOfAnswered),\(p.serviceLevelOfOffered),\(p.occupancy),"
            out += "\(p.threshold)\n"
        }
        return out
    case .table:
        let model = traffic.meanPatience == nil ? "Erlang C (M/M/n)" : "Erlang A (M/M/n+M)"
        var out = String(
            format: "%@: %.2f calls/h, AHT %.0f s, offered load %.2f Erlangs%@\n\n", model, traffic.arrivalRate * 3600,
            traffic.meanHandleTime, traffic.offeredLoad,
            traffic.meanPatience.map { String(format: ", mean patience %.0f s", $0) } ?? "")
        let threshold = Int(rows.first?.threshold ?? 20)
        var table = TextTable(header: [
            "Agents", "P(wait) %", "Abandon %", "ASA s", "Mean wait s", "SL ans. %", "SL off. %", "Occupancy %",
        ])
        for p in rows {
            guard p.isStable else {
                table.add(["\(p.agents)", "100.00", "-", "∞", "∞", "0.00", "0.00", "100.00"])
                continue
            }
            table.add([
                "\(p.agents)", String(format: "%.2f", p.probabilityOfWaiting * 100),
                String(format: "%.2f", p.probabilityOfAbandoning * 100), String(format: "%.1f", p.averageSpeedOfAnswer),
                String(format: "%.1f", p.meanWaitAll), String(format: "%.2f", p.serviceLevelOfAnswered * 100),
                String(format: "%.2f", p.serviceLevelOfOffered * 100), String(format: "%.2f", p.occupancy * 100),
            ])
        }
        out += table.render()
        out += "SL: answered within \(threshold) s, over answered and over offered calls.\n"
        if rows.contains(where: { !$0.isStable }) {
            out +=
                "∞: the load is at least the number of agents and nobody abandons, so the queue grows without bound.\n"
        }
        return out
    }
}

// MARK: Parsing of command-line values

func parseDuration(_ text: String, option: String, allowZero: Bool = false) throws -> Double {
    guard let seconds = Quantity.seconds(text), seconds > 0 || (allowZero && seconds == 0) else {
        throw ValidationError("\(option) \(text): expected a positive duration such as 180, 180s, 3m or 1.5h")
    }
    return seconds
}

func parseRate(_ text: String, option: String) throws -> Double {
    guard let rate = Quantity.rate(text), rate > 0 else {
        throw ValidationError("\(option) \(text): expected a rate such as 120/h (calls per s, m, h or d)")
    }
    return rate
}

func parseShare(_ text: String, option: String) throws -> Double {
    guard let share = Quantity.share(text), (0...1).contains(share) else {
        throw ValidationError("\(option) \(text): expected a share such as 8% or 0.08")
    }
    return share
}

func parseAgentRange(_ text: String) throws -> ClosedRange<Int> {
    let parts = text.split(separator: "-").map { Int($0) }
    if parts.count == 1, let n = parts[0], n >= 1 { return n...n }
    if parts.count == 2, let a = parts[0], let b = parts[1], a >= 1, a <= b, b - a <= 10_000 { return a...b }
    throw ValidationError("--agents \(text): expected a number (10) or a range (8-14)")
}
