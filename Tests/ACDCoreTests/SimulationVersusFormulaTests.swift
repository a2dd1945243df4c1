import ACDCore
import Testing

/// The engine against the exact formulas, at light load, at 85%, and overloaded with abandonment. Each comparison
/// asks that the exact value lie inside the simulation's confidence interval (widened for the number of comparisons,
/// see `bonferroniWidening`); the seeds are fixed, so a run is repeatable.
@Suite("Simulation agrees with Erlang C and Erlang A")
struct SimulationVersusFormulaTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var agents: Int
        var load: Double
        var patience: Double?
        var hours: Int
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "M/M/10 at 50%", agents: 10, load: 5, patience: nil, hours: 60),
        Case(label: "M/M/20 at 85%", agents: 20, load: 17, patience: nil, hours: 120),
        Case(label: "M/M/50+M at 85%", agents: 50, load: 42.5, patience: 300, hours: 40),
        Case(label: "M/M/100+M at 95%", agents: 100, load: 95, patience: 300, hours: 20),
        Case(label: "M/M/20+M at 120%", agents: 20, load: 24, patience: 120, hours: 60),
    ]

    @Test("steady-state metrics lie inside the confidence interval", arguments: cases)
    func agrees(_ c: Case) {
        let aht = 180.0
        let threshold = 20.0
        let model = Models.single(
            agents: c.agents, callsPerHour: c.load / aht * 3600, handle: .exponential(mean: aht),
            patience: c.patience.map { .exponential(mean: $0) }, hours: c.hours, warmup: 2 * 3600,
            threshold: threshold)
        let runner = ReplicationRunner(model: model, seed: 2024, threads: 2)
        let results = runner.run(replications: 0..<20)
        let summary = Summary(model: model, results: results)
        let traffic = Traffic(arrivalRate: c.load / aht, meanHandleTime: aht, meanPatience: c.patience)
        let exact = erlangA(traffic, agents: c.agents, threshold: threshold)

        func check(_ name: String, _ estimate: Estimate, _ value: Double) {
            let tolerance = estimate.halfWidth * bonferroniWidening
            #expect(
                abs(estimate.mean - value) <= tolerance,
                "\(c.label) \(name): simulated \(estimate.mean) ± \(tolerance), exact \(value)")
        }
        let queue = summary.queues[0]
        let pWait = Estimate(results.map { Double($0.queueTotals[0].queued) / Double($0.queueTotals[0].offered) })
        check("P(wait)", pWait, exact.probabilityOfWaiting)
        check("ASA", queue.asa, exact.averageSpeedOfAnswer)
        check("service level", queue.serviceLevel, exact.serviceLevelOfAnswered)
        check("mean wait of all", queue[.meanWait], exact.meanWaitAll)
        check("abandonment", queue.abandonment, exact.probabilityOfAbandoning)
        check("occupancy", summary.groups[0].occupancy, exact.occupancy)
        // The interval must be informative, not so wide that anything passes.
        #expect(queue.asa.halfWidth < 0.25 * max(exact.averageSpeedOfAnswer, 1))
    }

    @Test("service level over offered calls matches Erlang A's")
    func serviceLevelOverOffered() {
        let model = Models.single(
            agents: 30, callsPerHour: 29 / 180 * 3600, handle: .exponential(mean: 180),
            patience: .exponential(mean: 150), hours: 40, warmup: 7200,
            definitions: MetricDefinitions(serviceLevel: .offered, abandonment: .offered))
        let summary = ReplicationRunner(model: model, seed: 7, threads: 2).summarize(replications: 20)
        let exact = erlangA(
            Traffic(arrivalRate: 29 / 180, meanHandleTime: 180, meanPatience: 150), agents: 30, threshold: 20)
        let sl = summary.queues[0].serviceLevel
        #expect(abs(sl.mean - exact.serviceLevelOfOffered) <= sl.halfWidth * bonferroniWidening)
    }
}
