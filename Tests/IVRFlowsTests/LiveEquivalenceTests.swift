import ACDCore
import Foundation
import IVRFlows
import Testing

/// The live engine on a manual clock runs the same engine as the simulator: for the same seed, the same calls end the
/// same way, record for record.
@Suite("Live engine against the simulator")
struct LiveEquivalenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func simulate(_ model: CentreModel, seed: UInt64) -> [CallRecord] {
        var engine = Engine(model: model, seed: seed, replication: 0)
        engine.recordsCalls = true
        engine.runToCompletion()
        return engine.drainRecords()
    }

    /// Runs the live engine on a manual clock from 0 to `until` in steps of `step` seconds; returns its records.
    static func live(
        _ model: CentreModel, seed: UInt64, options: EngineOptions, until: Double, step: Double
    ) async
        -> [CallRecord]
    {
        let clock = ManualClock()
        let live = LiveEngine(model: model, seed: seed, clock: clock, options: options, recordBuffer: 1 << 22)
        await live.start()
        var t = 0.0
        while t < until {
            t = min(until, t + step)
            await clock.advance(to: t)
        }
        #expect(await live.invariantViolations() == [])
        await live.shutdown()
        var out: [CallRecord] = []
        for await record in live.records { out.append(record) }
        return out
    }

    @Test("examples/ivr: a whole week, every call the same")
    func ivrWeek() async throws {
        let scenario = try Scenario.load(path: Self.root.appendingPathComponent("examples/ivr").path)
        let expected = Self.simulate(scenario.model, seed: 11).sorted { $0.serial < $1.serial }
        let horizon = scenario.model.horizon
        let got = await Self.live(
            scenario.model, seed: 11, options: EngineOptions(), until: horizon + 86400, step: 97
        ).sorted { $0.serial < $1.serial }
        #expect(expected.count > 10_000)
        #expect(got.count == expected.count)
        #expect(got == expected)
    }

    @Test("flows/leeds, Monday 23 March 2020, with no end date: every call that ended that day the same")
    func leedsDay() async throws {
        let scenario = try Scenario.load(path: Self.root.appendingPathComponent("flows/leeds").path)
        let day = 143  // 1 November 2019 + 143 days
        let model = scenario.model.window((day * 48)..<((day + 1) * 48))
        func ended(_ r: CallRecord) -> Double { r.wrapUpEnd ?? r.talkEnd ?? r.endOfWait }
        let expected = Self.simulate(model, seed: 2020).filter { ended($0) < 86400 }.sorted { $0.serial < $1.serial }
        let got = await Self.live(
            model, seed: 2020, options: EngineOptions(arrivals: true, endless: true), until: 86400 + 3600, step: 60
        ).filter { ended($0) < 86400 && $0.outcome != .shutdown }.sorted { $0.serial < $1.serial }
        #expect(expected.count > 3000)
        #expect(got.count == expected.count)
        #expect(got == expected)
    }
}
