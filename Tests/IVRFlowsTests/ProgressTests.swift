import ACDCore
import CLISupport
import Foundation
import IVRFlows
import Testing

@Suite("Long runs: the estimate before, the progress line during")
struct ProgressTests {
    static let tenYears = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("LongRuns/ten-years.yaml").path

    @Test("ten years at 100 calls a second: 31.5 billion arrivals a replication, announced with how to shorten it")
    func tenYearsAnnounced() throws {
        let scenario = try Scenario.load(path: Self.tenYears)
        let estimate = RunEstimate(model: scenario.model, replications: 10, threads: 2)
        // 3,650 days × 86,400 s × 100 calls/s.
        #expect(estimate.arrivalsPerReplication == 31_536_000_000)
        #expect(estimate.arrivals == 315_360_000_000)
        #expect(estimate.simulatedSeconds == 10 * 3650 * 86_400)
        // 315.36e9 calls / (1.5e6 calls/s × 2 threads) = 105,120 s.
        #expect(estimate.seconds == 105_120)
        let text = try #require(estimate.announcement(command: "simulate", shorten: ["--replications 1"]))
        #expect(
            text
                == "simulate: this run simulates about 315.4 billion arrivals (10 replications of 31.5 billion) over "
                + "3,650 days; at about 1.5 million calls a second on each of 2 threads it will take about 29 h 12 min. "
                + "To shorten it: --replications 1.")
    }

    @Test("a run expected to take under a minute is not announced; one replication uses one thread")
    func shortRunsQuiet() throws {
        let scenario = try Scenario.load(path: Self.tenYears)
        // One day: 8.64 million calls a replication.
        let day = RunEstimate(model: scenario.window(days: 0...0).model, replications: 10, threads: 2)
        #expect(day.seconds == 86_400_000 / 3e6)
        #expect(day.announcement(command: "simulate", shorten: []) == nil)
        let one = RunEstimate(model: scenario.model, replications: 1, threads: 8)
        #expect(one.seconds == 31_536_000_000 / 1.5e6)
    }

    @Test("the progress line: bar by simulated time, counts, days and the time left")
    func line() {
        let text = ProgressLine.line(
            label: "simulate: replications", done: 3, total: 10, simulated: 86_400 * 1825, simulatedTotal: 86_400 * 3650,
            elapsed: 65)
        #expect(text == "simulate: replications [############............] 3/10 · 1,825 of 3,650 simulated days · 1m 05s, about 1m 05s left")
        let open = ProgressLine.line(
            label: "staff: replications", done: 34, total: nil, simulated: 86_400 * 12_410.5, simulatedTotal: nil,
            elapsed: 4000)
        #expect(open == "staff: replications 34 · 12,410 simulated days · 1 h 6 min")
        let counted = ProgressLine.line(
            label: "calibrate --fit: evaluations", done: 0, total: 50, simulated: nil, simulatedTotal: nil, elapsed: 1)
        #expect(counted == "calibrate --fit: evaluations [........................] 0/50 · 1 s")
    }
}
