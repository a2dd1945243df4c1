import ACDCore

/// A small centre for the live engine's tests: one number with a greeting (5 s) and a keypad menu (1 billing,
/// 2 repairs; silence leads to a signpost to the website, which satisfies or passes on to billing; any other key
/// hangs up as closed), two queues, external agents at the desk, and optionally a simulated team and callers of the
/// model's own.
enum LiveModels {
    static func centre(simulatedAgents: Int = 0, callsPerHour: Double = 0, intervals: Int = 48) -> CentreModel {
        let every = { (weights: [Double]) in [weights, weights] }
        var menu = FlowStep(
            name: "menu", duration: .deterministic(6),
            action: .route(targets: [2, 3, 4, 6], weights: [[0.9, 0.04, 0.03, 0.03], [0.04, 0.9, 0.03, 0.03]]))
        menu.input = StepInput(kind: .keys, labels: [["1"], ["2"], [], []], silence: 2, noMatch: 3)
        var signpost = FlowStep(
            name: "website", duration: .deterministic(8), action: .route(targets: [5, 2], weights: every([0.4, 0.6])))
        signpost.input = StepInput(kind: .choice, labels: [["satisfied"], ["continue"]])
        let steps = [
            FlowStep(name: "greeting", duration: .deterministic(5), action: .route(targets: [1], weights: every([1]))),
            menu,
            FlowStep(name: "to-billing", action: .queue(0)),
            FlowStep(name: "to-repairs", action: .queue(1)),
            signpost,
            FlowStep(name: "website/deflected", action: .finish(.deflected)),
            FlowStep(name: "bad-key", action: .finish(.closed)),
        ]
        var groups = [
            AgentGroup(
                name: "desk", skills: [Skill(queue: 0), Skill(queue: 1)], rota: .constant(0, intervals: intervals))
        ]
        groups[0].external = true
        if simulatedAgents > 0 {
            groups.append(
                AgentGroup(
                    name: "team", skills: [Skill(queue: 0), Skill(queue: 1, level: 2)], wrapUp: .deterministic(10),
                    rota: .constant(simulatedAgents, intervals: intervals)))
        }
        var billing = Queue(
            name: "billing", volumes: Array(repeating: 0, count: intervals), handleTime: .exponential(mean: 240),
            patience: .exponential(mean: 300), targets: Targets(asa: 60, abandonment: 0.05))
        billing.serves = [0]
        billing.capacity = 50
        var repairs = Queue(
            name: "repairs", volumes: Array(repeating: 0, count: intervals), handleTime: .exponential(mean: 300),
            patience: .exponential(mean: 600))
        repairs.serves = [1]
        repairs.priorityClasses = 2
        return CentreModel(
            queues: [billing, repairs], groups: groups, intervalLength: 1800, intervalCount: intervals,
            intents: ["billing", "repairs"], flows: [CallFlow(name: "main", steps: steps)],
            entries: [
                Entry(
                    name: "main number", volumes: Array(repeating: callsPerHour / 2, count: intervals), flow: 0,
                    intentMix: [0.6, 0.4])
            ])
    }
}
