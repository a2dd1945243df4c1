import ACDCore
import Benchmark
import Foundation
import IVRFlows

/// The bundled Leeds model (flows/leeds): 1.37 million calls over a year, eight lines behind IVR/EVR flows.
func leedsModel() -> CentreModel {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    do {
        return try Scenario.load(path: root.appendingPathComponent("flows/leeds").path).model
    } catch {
        fatalError("flows/leeds: \(error)")
    }
}

/// M/M/100+M at 95% load: 100 agents, AHT 180 s, mean patience 300 s, arrivals at 0.95 * 100 / 180 per second.
func mmn95(calls: Int) -> CentreModel {
    let rate = 0.95 * 100 / 180.0
    let hours = Int((Double(calls) / (rate * 3600)).rounded(.up))
    return CentreModel(
        queues: [
            Queue(
                name: "q", volumes: Array(repeating: rate * 3600, count: hours), handleTime: .exponential(mean: 180),
                patience: .exponential(mean: 300))
        ],
        groups: [AgentGroup(name: "g", skills: [Skill(queue: 0)], rota: .constant(100, intervals: hours))],
        intervalLength: 3600, intervalCount: hours)
}

/// The same centre, but callers dial a number and pass a 5-step menu first: greeting (8 s), menu (6 s) with three
/// options by intent, a confirmation for each (3 s), then the queue. Five steps per caller.
func mmn95WithMenu(calls: Int) -> CentreModel {
    var model = mmn95(calls: calls)
    let volumes = model.queues[0].volumes
    model.queues[0].volumes = Array(repeating: 0, count: volumes.count)
    model.intents = ["a", "b", "c"]
    let steps = [
        FlowStep(name: "greeting", duration: .deterministic(8), action: .route(targets: [1], weights: [[1], [1], [1]])),
        FlowStep(
            name: "menu", duration: .exponential(mean: 6),
            action: .route(targets: [2, 3, 4], weights: [[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]])),
        FlowStep(name: "confirm-a", duration: .deterministic(3), action: .route(targets: [5], weights: [[1], [1], [1]])),
        FlowStep(name: "confirm-b", duration: .deterministic(3), action: .route(targets: [5], weights: [[1], [1], [1]])),
        FlowStep(name: "confirm-c", duration: .deterministic(3), action: .route(targets: [5], weights: [[1], [1], [1]])),
        FlowStep(name: "queue", action: .queue(0)),
    ]
    model.flows = [CallFlow(name: "menu", steps: steps)]
    model.entries = [Entry(name: "main", volumes: volumes, flow: 0, intentMix: [0.5, 0.3, 0.2])]
    return model
}

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident, .throughput]
    Benchmark.defaultConfiguration = .init(metrics: metrics, maxDuration: .seconds(20), maxIterations: 10)

    // One iteration simulates about a million calls; calls per second = 1e6 / wall-clock time.
    Benchmark("MMn95_1M_calls") { benchmark in
        let model = mmn95(calls: 1_000_000)
        benchmark.startMeasurement()
        let engine = SimulatedClock().run(Engine(model: model, seed: 1, replication: 0))
        blackHole(engine.eventsProcessed)
    }

    // Ten times the calls: allocations and peak memory should not grow with them.
    Benchmark("MMn95_10M_calls", configuration: .init(metrics: metrics, maxDuration: .seconds(30), maxIterations: 3)) {
        benchmark in
        let model = mmn95(calls: 10_000_000)
        benchmark.startMeasurement()
        let engine = SimulatedClock().run(Engine(model: model, seed: 1, replication: 0))
        blackHole(engine.eventsProcessed)
    }

    // IVR steps per second: each caller takes 4 timed steps and one instant one before queueing.
    Benchmark("MMn95_5step_menu_1M_calls") { benchmark in
        let model = mmn95WithMenu(calls: 1_000_000)
        benchmark.startMeasurement()
        let engine = SimulatedClock().run(Engine(model: model, seed: 1, replication: 0))
        blackHole(engine.eventsProcessed)
    }

    // The main job: one replication of the whole Leeds year on one core (the model is read before measuring).
    Benchmark("Leeds_year_1_replication", configuration: .init(metrics: metrics, maxDuration: .seconds(30), maxIterations: 5)) {
        benchmark in
        let model = leedsModel()
        benchmark.startMeasurement()
        let engine = SimulatedClock().run(Engine(model: model, seed: 2020, replication: 0))
        blackHole(engine.eventsProcessed)
    }

    Benchmark("ErlangA_staffing_100_agents") { benchmark in
        let traffic = Traffic(arrivalRate: 0.95 * 100 / 180, meanHandleTime: 180, meanPatience: 300)
        let goal = StaffingGoal(asa: 20, abandonment: 0.02, serviceLevel: ServiceLevelTarget(threshold: 20, share: 0.8))
        for _ in benchmark.scaledIterations { blackHole(staff(traffic, goal: goal)) }
    }
}
