import ACDCore
import Foundation
import IVRFlows
import Testing

@Suite("--set")
struct ScenarioOverrideTests {
    static let twoSkills = repositoryRoot.appendingPathComponent("examples/two-skills.yaml").path

    func load(_ sets: String...) throws -> Scenario {
        try Scenario.load(path: Self.twoSkills, overrides: sets.map { s throws(InputError) in try ScenarioOverride(s) })
    }

    @Test("paths by key, position, name and append change the model")
    func forms() throws {
        let base = try Scenario.load(path: Self.twoSkills)
        let patience = try load("queues[council-tax].patience.exponential=5m")
        #expect(patience.model.queues[0].patience == .exponential(mean: 300))
        let byIndex = try load("queues[1].targets.asa=45s")
        #expect(byIndex.model.queues[1].targets.asa == 45)
        let more = try load(
            #"groups[council-tax-team].agents.shifts[+]={ days: all, from: "08:00", to: "10:00", agents: 10 }"#)
        let before = base.model.groups[0].rota.headcount
        let after = more.model.groups[0].rota.headcount
        #expect(after[16] == before[16] + 10 && after[19] == before[19] + 10 && after[20] == before[20])
        let whole = try load("groups[housing-team].agents=3")
        #expect(whole.model.groups[1].rota.headcount.allSatisfy { $0 == 3 })
        let two = try load("definitions.short_abandon=10s", "seed=99")
        #expect(two.model.definitions.shortAbandonThreshold == 10 && two.seed == 99)
    }

    @Test(
        "mistakes name the --set, the field and what is wrong",
        arguments: [
            ("queues[council-tx].patience.exponential=5m", "no item named 'council-tx'. Did you mean 'council-tax'?"),
            ("queues[7].priority=1", "there is no [7]: the list has 2 items"),
            ("queues[0].pateince.exponential=5m", "no field 'pateince' here. Did you mean 'patience'?"),
            ("queues[0].patience.exponential=-5m", "a duration cannot be negative"),
            ("groups[0].agents=lots", "expected a whole number"),
            ("queues[0].priority", "expected PATH=VALUE"),
            (
                "queues[0].handle_time={ exponental: 5m }",
                "unknown distribution 'exponental'. Did you mean 'exponential'?"
            ),
        ])
    func errors(set: String, message: String) {
        let error = #expect(throws: InputError.self) { try self.load(set) }
        #expect(error?.file == "--set \(set)")
        #expect(error?.message.hasPrefix(message) == true, "\(set): \(error?.description ?? "")")
    }

    @Test("compare: the same scenario differs by exactly nothing; more agents is a real improvement")
    func compare() throws {
        let base = try Scenario.load(path: Self.twoSkills)
        let fewer = try load("groups[council-tax-team].agents.shifts[0].agents=15")
        let runner = { (s: Scenario) in
            ReplicationRunner(model: s.model, seed: 5, threads: 2).summarize(replications: 12)
        }
        let a = runner(base)
        let same = Comparison(a: a, b: runner(base), metrics: [.asa, .abandonment])
        #expect(same.rows.allSatisfy { $0.difference.mean == 0 && $0.difference.halfWidth == 0 && !$0.isReal })
        let b = runner(fewer)
        let worse = Comparison(a: a, b: b, metrics: [.asa, .redials])
        let asa = try #require(worse.rows.first { $0.queue == "council-tax" && $0.metric == .asa })
        #expect(asa.isReal && asa.difference.mean > 0)
        // Common random numbers: the paired interval is narrower than the two runs' own intervals combined.
        #expect(
            asa.difference.halfWidth
                < (asa.a.halfWidth * asa.a.halfWidth + asa.b.halfWidth * asa.b.halfWidth).squareRoot())
        // Arrivals do not change with staffing: first calls (offered less redials) are identical in every replication,
        // while fewer agents mean more abandons and so more redials.
        for q in 0..<2 {
            let firstA = a.results.map { $0.queueTotals[q].offered - $0.queueTotals[q].redials }
            let firstB = b.results.map { $0.queueTotals[q].offered - $0.queueTotals[q].redials }
            #expect(firstA == firstB)
        }
        #expect(worse.rows.first { $0.queue == "council-tax" && $0.metric == .redials }!.difference.mean > 0)
    }

    @Test("compare has an all-queues row equal to the summaries' own, verdicts on both sides, and says unchanged")
    func compareRows() throws {
        let base = try Scenario.load(path: Self.twoSkills)
        let fewer = try load("groups[council-tax-team].agents.shifts[0].agents=15")
        let runner = { (s: Scenario) in
            ReplicationRunner(model: s.model, seed: 5, threads: 2).summarize(replications: 6)
        }
        let (a, b) = (runner(base), runner(fewer))
        let same = Comparison(a: a, b: runner(base), metrics: [.asa])
        #expect(same.rows.map(\.queue) == a.model.queues.map(\.name) + ["All queues"])
        #expect(same.rows.allSatisfy { $0.isUnchanged && !$0.verdictChanged })
        let worse = Comparison(a: a, b: b, metrics: [.asa, .offered])
        let all = try #require(worse.rows.first { $0.queue == "All queues" && $0.metric == .asa })
        #expect(all.a.mean == a.total.asa.mean && all.b.mean == b.total.asa.mean)
        #expect(!all.isUnchanged && all.verdictA == nil)
        let asa = try #require(worse.rows.first { $0.queue == "council-tax" && $0.metric == .asa })
        #expect(asa.targetA == a.queues[0].targets.asa && asa.targetB == asa.targetA)
        #expect(asa.verdictA == a.queues[0].asaVerdict && asa.verdictB == b.queues[0].asaVerdict)
        #expect(asa.verdictChanged == (a.queues[0].asaVerdict?.met != b.queues[0].asaVerdict?.met))
    }
}
