import ACDCore
import Dispatch
import Foundation
import Testing

@Suite("Determinism and clocks")
struct DeterminismTests {
    static let model: CentreModel = {
        let intervals = 8
        return CentreModel(
            queues: [
                Queue(
                    name: "a", priority: 1, volumes: Array(repeating: 300, count: intervals),
                    handleTime: .lognormal(mean: 200, standardDeviation: 120), patience: .exponential(mean: 150),
                    redial: Redial(probability: 0.3, delay: .exponential(mean: 300))),
                Queue(
                    name: "b", volumes: (0..<intervals).map { Double(100 + 20 * $0) },
                    handleTime: .erlang(k: 2, mean: 300), patience: .uniform(low: 30, high: 300)),
            ],
            groups: [
                AgentGroup(
                    name: "ga", skills: [Skill(queue: 0)], wrapUp: .deterministic(20),
                    rota: Rota(headcount: [18, 18, 20, 20, 16, 16, 14, 14])),
                AgentGroup(
                    name: "gb", skills: [Skill(queue: 1), Skill(queue: 0, level: 2, delay: 45)],
                    wrapUp: .exponential(mean: 15), rota: .constant(10, intervals: intervals)),
            ],
            intervalLength: 1800, intervalCount: intervals,
            definitions: MetricDefinitions(shortAbandonThreshold: 5))
    }()

    @Test("the same seed gives the same numbers, bit for bit, with 1 or 8 threads")
    func threadsDoNotMatter() {
        let one = ReplicationRunner(model: Self.model, seed: 11, threads: 1).summarize(replications: 12)
        let eight = ReplicationRunner(model: Self.model, seed: 11, threads: 8).summarize(replications: 12)
        for (a, b) in zip(one.queues + [one.total], eight.queues + [eight.total]) {
            #expect(a.estimates == b.estimates)
        }
        #expect(one.groups.map(\.occupancy) == eight.groups.map(\.occupancy))
        let other = ReplicationRunner(model: Self.model, seed: 12, threads: 1).summarize(replications: 12)
        #expect(other.queues[0].estimates != one.queues[0].estimates)
    }

    @Test("a metered run (progress in steps of simulated time) gives the same numbers, bit for bit")
    func meteredRunMatches() {
        let plain = ReplicationRunner(model: Self.model, seed: 11, threads: 2).summarize(replications: 6)
        // A step that does not divide the period, so events fall on both sides of many boundaries.
        let meter = RunMeter(step: 777)
        let metered = ReplicationRunner(model: Self.model, seed: 11, threads: 2).summarize(
            replications: 6, meter: meter)
        for (a, b) in zip(plain.queues + [plain.total], metered.queues + [metered.total]) {
            #expect(a.estimates == b.estimates)
        }
        #expect(plain.groups.map(\.occupancy) == metered.groups.map(\.occupancy))
        #expect(plain.results.map(\.queueIntervals.count) == metered.results.map(\.queueIntervals.count))
        #expect(meter.replications == 6 && meter.started == 6)
        // Every replication covers the whole period once: 8 half-hours.
        #expect(meter.simulatedSeconds == 6 * 8 * 1800)
    }

    @Test("staffing changes do not reshuffle arrivals (common random numbers)")
    func commonRandomNumbers() {
        var more = Self.model
        more.groups[0].rota = .constant(30, intervals: 8)
        func firstAttempts(_ model: CentreModel) -> [Double] {
            var engine = Engine(model: model, seed: 5, replication: 2)
            engine.recordsCalls = true
            return engine.finishedRecords().filter { $0.attempt == 0 }.map(\.arrival).sorted()
        }
        let base = firstAttempts(Self.model)
        #expect(base.count > 1000)
        #expect(base == firstAttempts(more))
    }

    @Test("the wall clock and the simulated clock give the same call outcomes")
    func wallClockMatchesSimulatedClock() async {
        var short = Self.model
        short.intervalCount = 2
        short.intervalLength = 600
        for q in short.queues.indices { short.queues[q].volumes = Array(short.queues[q].volumes.prefix(2)) }
        for g in short.groups.indices {
            short.groups[g].rota = Rota(headcount: Array(short.groups[g].rota.headcount.prefix(2)))
        }
        var simulated = Engine(model: short, seed: 3, replication: 0)
        simulated.recordsCalls = true
        let expected = simulated.finishedRecords()
        #expect(expected.count > 50)

        // The live engine on the wall clock with the model's own callers and its end: about 0.1 s of real time.
        let live = LiveEngine(model: short, seed: 3, clock: WallClock(speed: 20_000), options: EngineOptions())
        let started = Date()
        await live.start()
        await live.waitUntilStopped()
        var records: [CallRecord] = []
        for await record in live.records { records.append(record) }
        records.sort { $0.serial < $1.serial }
        #expect(records == expected)
        // It really was paced: the last event is about 1,600 simulated seconds in, 0.08 s at this speed.
        #expect(Date().timeIntervalSince(started) >= (expected.compactMap(\.talkEnd).max() ?? 0) / 20_000 * 0.9)
    }

    @Test("the calendar orders by time, then by scheduling order")
    func calendarTies() {
        var calendar = EventCalendar()
        var order: [Int32] = []
        let times: [Double] = [5, 1, 5, 3, 1, 5, 0, 3]
        for (i, t) in times.enumerated() { calendar.schedule(.arrival, at: t, subject: Int32(i)) }
        while let event = calendar.popNext() { order.append(event.subject) }
        #expect(order == [6, 1, 4, 3, 7, 0, 2, 5])
    }

    @Test("redials happen with the stated probability")
    func redialProbability() {
        let model = Models.single(
            agents: 5, callsPerHour: 200, handle: .exponential(mean: 180), patience: .exponential(mean: 60),
            hours: 200, redial: Redial(probability: 0.4, delay: .exponential(mean: 60), maxAttempts: 1))
        let result = ReplicationRunner(model: model, seed: 8, threads: 2).run(replications: 0..<1)[0]
        // Only first attempts may redial (maxAttempts 1); redials are binomial(first-attempt abandons, 0.4).
        var engine = Engine(model: model, seed: 8, replication: 0)
        engine.recordsCalls = true
        let records = engine.finishedRecords()
        let firstAbandons = records.filter { $0.attempt == 0 && $0.outcome != .answered }.count
        let redials = result.queueTotals[0].redials
        let p = Double(redials) / Double(firstAbandons)
        let standardError = (0.4 * 0.6 / Double(firstAbandons)).squareRoot()
        #expect(firstAbandons > 5000)
        #expect(abs(p - 0.4) <= 4 * standardError, "redial share \(p)")
        #expect(records.allSatisfy { $0.attempt <= 1 })
    }
}

@Suite("Replications")
struct ReplicationTests {
    @Test("--precision adds replications until every targeted metric is precise enough")
    func precisionGoal() {
        var model = Models.single(
            agents: 7, callsPerHour: 120, handle: .exponential(mean: 180), patience: .exponential(mean: 120), hours: 8)
        model.queues[0].targets = Targets(asa: 30, abandonment: 0.05)
        let runner = ReplicationRunner(model: model, seed: 4, threads: 2)
        let goal = PrecisionGoal(relative: 0.03)
        let summary = runner.summarize(replications: 2, goal: goal)
        #expect(summary.replications > 2)
        #expect(summary.meets(goal))
        let queue = summary.queues[0]
        #expect(queue.asa.halfWidth <= 0.03 * queue.asa.mean)
        #expect(queue.abandonment.halfWidth <= 0.03 * queue.abandonment.mean)
        // Half as many replications, a point the rule passed through, was not precise enough.
        let fewer = Summary(model: model, results: Array(summary.results.prefix(summary.replications / 2)))
        #expect(!fewer.meets(goal))
    }

    @Test("a goal not reached within the cap names each metric still short, with its half-width and the goal's")
    func precisionShortfall() {
        var model = Models.single(
            agents: 7, callsPerHour: 120, handle: .exponential(mean: 180), patience: .exponential(mean: 120), hours: 8)
        model.queues[0].targets = Targets(asa: 30, abandonment: 0.05)
        let goal = PrecisionGoal(asaSeconds: 1000, sharePoints: 0.01)
        let summary = ReplicationRunner(model: model, seed: 4, threads: 2)
            .summarize(replications: 2, goal: goal, maxReplications: 6)
        #expect(summary.replications == 6)
        #expect(!summary.meets(goal))
        let short = summary.shortfalls(of: goal)
        // ASA is within ±1000 s; abandonment is not within ±0.01 points.
        #expect(short.map(\.metric) == [.abandonment])
        #expect(short.first?.queue == model.queues[0].name)
        #expect(short.first?.goal == 0.0001)
        #expect(short.first?.estimate == summary.queues[0].abandonment)
        #expect(summary.shortfalls(of: PrecisionGoal(asaSeconds: 1000, sharePoints: 100)).isEmpty)
    }

    @Test("the 95% interval uses Student's t")
    func studentT() {
        #expect(StudentT.quantile975(degreesOfFreedom: 1) == 12.706204736)
        #expect(abs(StudentT.quantile975(degreesOfFreedom: 40) - 2.021075) < 1e-5)
        #expect(abs(StudentT.quantile975(degreesOfFreedom: 120) - 1.979930) < 1e-5)
        let e = Estimate([1, 2, 3, 4])
        #expect(e.mean == 2.5)
        #expect(abs(e.halfWidth - 3.182446305 * (1.6666666666666667 / 4).squareRoot()) < 1e-12)
    }
}
