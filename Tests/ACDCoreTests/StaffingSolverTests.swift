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
}
