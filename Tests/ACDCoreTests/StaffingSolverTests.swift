import ACDCore
import Testing

@Suite("Staffing solver")
struct StaffingSolverTests {
    @Test("on a single queue it finds exactly the Erlang A staffing")
    func singleQueueEqualsErlangA() throws {
        // An ASA target halfway between Erlang A's ASA at 23 and at 24 agents, so the exact answer is 24 with a wide
        // margin on both sides for the simulation to tell them apart.
        let traffic = Traffic(arrivalRate: 21.0 / 180, meanHandleTime: 180, meanPatience: 300)
        let at23 = erlangA(traffic, agents: 23).averageSpeedOfAnswer
        let at24 = erlangA(traffic, agents: 24).averageSpeedOfAnswer
        let target = (at23 + at24) / 2
        #expect(staff(traffic, goal: StaffingGoal(asa: target))?.agents == 24)
        let hours = 300.0
        var model = CentreModel(
            queues: [
                Queue(
                    name: "q", volumes: [21.0 / 180 * hours * 3600], handleTime: .exponential(mean: 180),
                    patience: .exponential(mean: 300), targets: Targets(asa: target))
            ],
            groups: [AgentGroup(name: "g", skills: [Skill(queue: 0)], rota: .constant(1, intervals: 1))],
            intervalLength: hours * 3600, intervalCount: 1, warmup: 7200)
        model.queues[0].targets.asa = target
        let answer = StaffingSolver(model: model, seed: 4, replications: 10, threads: 2).solve()
        #expect(answer.erlang == [[24]])
        #expect(answer.rota == [[24]])
        #expect(answer.unmet.isEmpty)
    }

    @Test("two skills pooled in one group need fewer agents than two separate teams")
    func poolingNeedsFewer() {
        func model(pooled: Bool) -> CentreModel {
            let queues = ["a", "b"].map { name in
                Queue(
                    name: name, volumes: [10.0 / 180 * 3600 * 100], handleTime: .exponential(mean: 180),
                    patience: .exponential(mean: 300), targets: Targets(asa: 15))
            }
            let groups =
                pooled
                ? [AgentGroup(name: "both", skills: [Skill(queue: 0), Skill(queue: 1)], rota: .constant(1, intervals: 1))]
                : [
                    AgentGroup(name: "a", skills: [Skill(queue: 0)], rota: .constant(1, intervals: 1)),
                    AgentGroup(name: "b", skills: [Skill(queue: 1)], rota: .constant(1, intervals: 1)),
                ]
            return CentreModel(queues: queues, groups: groups, intervalLength: 100 * 3600, intervalCount: 1, warmup: 7200)
        }
        let separate = StaffingSolver(model: model(pooled: false), seed: 2, replications: 8, threads: 2).solve()
        let pooled = StaffingSolver(model: model(pooled: true), seed: 2, replications: 8, threads: 2).solve()
        let separateTotal = separate.rota.flatMap { $0 }.reduce(0, +)
        let pooledTotal = pooled.rota.flatMap { $0 }.reduce(0, +)
        #expect(separate.unmet.isEmpty && pooled.unmet.isEmpty)
        // The separate teams need each queue's own Erlang A staffing; the pooled team starts from the same sum but
        // the simulation finds it can do with fewer.
        #expect(separateTotal == separate.erlang.flatMap { $0 }.reduce(0, +))
        #expect(pooledTotal < separateTotal)
        #expect(pooled.erlang.flatMap { $0 }.reduce(0, +) == separateTotal)
    }

    @Test("a weekly rota repeats every week, keeps a team off before its first day, and meets the pooled targets")
    func weeklyPattern() {
        // Four weeks of 6-hour intervals; calls only in the middle two intervals of each day.
        let perDay = 4
        let n = 28 * perDay
        let volumes = (0..<n).map { i in [1, 2].contains(i % perDay) ? 6 * 3600 * 8.0 / 180 : 0 }
        let queue = Queue(
            name: "q", volumes: volumes, handleTime: .exponential(mean: 180), patience: .exponential(mean: 300),
            targets: Targets(asa: 20))
        // A second team that only joins in week 3.
        let late = (0..<n).map { $0 >= 14 * perDay ? 1 : 0 }
        let model = CentreModel(
            queues: [queue, Queue(name: "r", volumes: volumes.map { $0 / 4 }, handleTime: .exponential(mean: 180))],
            groups: [
                AgentGroup(name: "g", skills: [Skill(queue: 0)], rota: .constant(1, intervals: n)),
                AgentGroup(name: "late", skills: [Skill(queue: 1)], rota: Rota(headcount: late)),
            ],
            intervalLength: 6 * 3600, intervalCount: n)
        let solver = StaffingSolver(model: model, seed: 6, replications: 2, threads: 2, pattern: .weekly(startWeekday: 0))
        let answer = solver.solve()
        #expect(answer.cells[0].count == 7 * perDay)
        #expect(answer.unmet.isEmpty)
        for i in 0..<(n - 7 * perDay) { #expect(answer.rota[0][i] == answer.rota[0][i + 7 * perDay]) }
        // Nobody is needed when no calls come, and the busy intervals need at least the offered load (8 Erlangs).
        #expect(answer.rota[0][0] == 0 && answer.rota[0][3] == 0)
        #expect(answer.rota[0][1] >= 8)
        #expect(answer.rota[1][..<(14 * perDay)].allSatisfy { $0 == 0 })
        #expect(answer.rota[1][14 * perDay + 1] > 0)
        // Each busy weekly interval meets the ASA target over all four weeks of calls.
        var waits = Array(repeating: 0.0, count: 7 * perDay)
        var answered = Array(repeating: 0, count: 7 * perDay)
        for result in answer.summary.results {
            for i in 0..<n {
                waits[solver.cell(ofInterval: i)] += result.queueIntervals[i].waitAnswered
                answered[solver.cell(ofInterval: i)] += result.queueIntervals[i].answered
            }
        }
        for c in 0..<(7 * perDay) where answered[c] > 0 { #expect(waits[c] / Double(answered[c]) <= 20) }
    }
}
