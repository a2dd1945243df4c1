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
        FlowStep(
            name: "greeting", duration: .deterministic(8), action: .route(targets: [1], weights: [[1], [1], [1]])),
        FlowStep(
            name: "menu", duration: .exponential(mean: 6),
            action: .route(targets: [2, 3, 4], weights: [[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]])),
        FlowStep(
            name: "confirm-a", duration: .deterministic(3), action: .route(targets: [5], weights: [[1], [1], [1]])),
        FlowStep(
            name: "confirm-b", duration: .deterministic(3), action: .route(targets: [5], weights: [[1], [1], [1]])),
        FlowStep(
            name: "confirm-c", duration: .deterministic(3), action: .route(targets: [5], weights: [[1], [1], [1]])),
        FlowStep(name: "queue", action: .queue(0)),
    ]
    model.flows = [CallFlow(name: "menu", steps: steps)]
    model.entries = [Entry(name: "main", volumes: volumes, flow: 0, intentMix: [0.5, 0.3, 0.2])]
    return model
}

/// A fixed amount of work that stands in for the machine's speed: a 4-ary heap of 2 million pseudo-random times
/// (pushes and pops, like the engine's calendar) and a pass over an array. CI compares the engine's time with this
/// loop's, measured back to back in the same iteration, so a busy machine slows both and the ratio holds.
@inline(never)
func referenceLoop() -> Double {
    var calendar = EventCalendar()
    var x: UInt64 = 88_172_645_463_325_252
    var sum = 0.0
    for i in 0..<2_000_000 {
        x ^= x << 13
        x ^= x >> 7
        x ^= x << 17
        calendar.schedule(.arrival, at: Double(x >> 11) / 9e15 + Double(i), subject: Int32(i & 1023))
        if i & 1 == 1, let event = calendar.popNext() { sum += event.time }
    }
    while let event = calendar.popNext() { sum += event.time }
    return sum
}

/// The engine's time over the reference loop's, in percent, for one run of `body`: a custom metric CI holds to a
/// stored value (Benchmarks/Thresholds), whatever the machine's speed.
func engineVersusReference(_ benchmark: Benchmark, _ body: () -> Void) {
    let clock = ContinuousClock()
    let r0 = clock.now
    blackHole(referenceLoop())
    let r1 = clock.now
    body()
    let e1 = clock.now
    let ratio = (e1 - r1) / (r1 - r0)
    benchmark.measurement(
        .custom("engine_vs_reference_pct", polarity: .prefersSmaller, useScalingFactor: false), Int(ratio * 100))
}

let ratioMetric = BenchmarkMetric.custom("engine_vs_reference_pct", polarity: .prefersSmaller, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident, .throughput]
    Benchmark.defaultConfiguration = .init(metrics: metrics, maxDuration: .seconds(20), maxIterations: 10)
    // What CI checks (`make bench-check`): allocation counts (within two: the count varies by up to two between
    // runs), and the engine's speed as a ratio to the reference loop, within 25% of the stored value
    // (Benchmarks/Thresholds). No memory sampling here: the sampler thread allocates, which would make the counts
    // depend on time.
    let ciConfiguration = Benchmark.Configuration(
        metrics: [.mallocCountTotal, ratioMetric, .wallClock], warmupIterations: 1, maxDuration: .seconds(30),
        maxIterations: 7,
        thresholds: [
            .mallocCountTotal: .init(absolute: [.p90: 2]),
            ratioMetric: .init(relative: [.p90: 25.0]),
        ])

    // One iteration simulates about a million calls; calls per second = 1e6 / wall-clock time.
    Benchmark("MMn95_1M_calls") { benchmark in
        let model = mmn95(calls: 1_000_000)
        benchmark.startMeasurement()
        let engine = SimulatedClock().run(Engine(model: model, seed: 1, replication: 0))
        blackHole(engine.eventsProcessed)
    }

    // CI's checks of the routing core: allocations exact, speed as a ratio to the reference loop.
    Benchmark("CI_MMn95_1M_calls", configuration: ciConfiguration) { benchmark in
        let model = mmn95(calls: 1_000_000)
        benchmark.startMeasurement()
        engineVersusReference(benchmark) {
            let engine = SimulatedClock().run(Engine(model: model, seed: 1, replication: 0))
            blackHole(engine.eventsProcessed)
        }
    }

    Benchmark("CI_Leeds_year_1_replication", configuration: ciConfiguration) { benchmark in
        let model = leedsModel()
        benchmark.startMeasurement()
        engineVersusReference(benchmark) {
            let engine = SimulatedClock().run(Engine(model: model, seed: 2020, replication: 0))
            blackHole(engine.eventsProcessed)
        }
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
    Benchmark(
        "Leeds_year_1_replication", configuration: .init(metrics: metrics, maxDuration: .seconds(30), maxIterations: 5)
    ) { benchmark in
        let model = leedsModel()
        benchmark.startMeasurement()
        let engine = SimulatedClock().run(Engine(model: model, seed: 2020, replication: 0))
        blackHole(engine.eventsProcessed)
    }

    // The live owner: a command through the actor (the engine advanced to now, the call placed at a queue and
    // routed to a ready agent, the record stream fed, the timer re-armed). One iteration places 20,000 calls and
    // times each command from the call to its return, the call routed; the custom metrics are the percentiles of
    // those latencies in nanoseconds. Talk and wrap-up are ended between calls, outside the timing.
    Benchmark(
        "Live_place_call_latency",
        configuration: .init(
            metrics: [
                .wallClock, .custom("place_p50_ns", useScalingFactor: false),
                .custom("place_p99_ns", useScalingFactor: false),
            ], maxDuration: .seconds(20), maxIterations: 5)
    ) { benchmark in
        let (live, drain) = await LiveBench.start()
        let clock = ContinuousClock()
        var latencies: [Int] = []
        latencies.reserveCapacity(20_000)
        for _ in 0..<20_000 {
            let start = clock.now
            let placed = try? await live.place(CallRequest(target: .queue(QueueID(0))))
            let took = clock.now - start
            latencies.append(Int(took.components.attoseconds / 1_000_000_000 + took.components.seconds * 1_000_000_000))
            blackHole(placed)
            try? await live.endTalk(agent: "a")
            try? await live.endWrapUp(agent: "a")
        }
        latencies.sort()
        benchmark.measurement(.custom("place_p50_ns", useScalingFactor: false), latencies[latencies.count / 2])
        benchmark.measurement(.custom("place_p99_ns", useScalingFactor: false), latencies[latencies.count * 99 / 100])
        await live.shutdown()
        await drain.value
    }

    // The same, as a burst: 10,000 calls placed one after another with agents answering; commands per second
    // through the owner (three commands a call: place, end talk, end wrap-up).
    Benchmark(
        "Live_commands_10k_calls",
        configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(20), maxIterations: 10)
    ) { benchmark in
        let (live, drain) = await LiveBench.start()
        benchmark.startMeasurement()
        for _ in 0..<10_000 {
            _ = try? await live.place(CallRequest(target: .queue(QueueID(0))))
            try? await live.endTalk(agent: "a")
            try? await live.endWrapUp(agent: "a")
        }
        benchmark.stopMeasurement()
        await live.shutdown()
        await drain.value
    }

    Benchmark("ErlangA_staffing_100_agents") { benchmark in
        let traffic = Traffic(arrivalRate: 0.95 * 100 / 180, meanHandleTime: 180, meanPatience: 300)
        let goal = StaffingGoal(asa: 20, abandonment: 0.02, serviceLevel: ServiceLevelTarget(threshold: 20, share: 0.8))
        for _ in benchmark.scaledIterations { blackHole(staff(traffic, goal: goal)) }
    }
}

/// The live benchmarks' centre: one queue answered by external agents who log in.
enum LiveBench {
    /// A started live engine with one ready agent "a", and the task that drains its records.
    static func start() async -> (LiveEngine, Task<Void, Never>) {
        let live = LiveEngine(model: model(), seed: 1, clock: ManualClock())
        await live.start()
        _ = try? await live.logIn(agent: "a", group: GroupID(0))
        try? await live.ready(agent: "a")
        return (live, Task { for await record in live.records { blackHole(record) } })
    }

    static func model() -> CentreModel {
        var model = CentreModel(
            queues: [Queue(name: "q", volumes: [0], handleTime: .deterministic(60))],
            groups: [AgentGroup(name: "desk", skills: [Skill(queue: 0)], rota: .constant(0, intervals: 1))],
            intervalLength: 86400, intervalCount: 1)
        model.groups[0].external = true
        return model
    }
}
