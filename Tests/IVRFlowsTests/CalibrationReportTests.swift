import ACDCore
import ACDReports
import Foundation
import IVRFlows
import Testing

/// `acdd calibrate`'s verdicts: a published figure is "in CI" when it lies within the simulated 95% interval, widened
/// only by the rounding the published figure itself carries.
@Suite("Calibration report")
struct CalibrationReportTests {
    static func report(published: String) throws -> CalibrationReport {
        let scenario = try Scenario.parse(
            """
            interval: 1h
            period: { duration: 100h }
            \(published)
            queues:
              - name: q
                arrivals: 100/h
                handle_time: { exponential: 180s }
                patience: { exponential: 120s }
            groups:
              - { name: g, skills: [q], agents: 5 }
            """)
        let summary = ReplicationRunner(model: scenario.model, seed: 2, threads: 2).summarize(replications: 5)
        return CalibrationReport(scenario: scenario, summary: summary, seed: 2, shrinkage: 0.35, weeklyHours: 37)
    }

    @Test("the rounding allowed is half a unit of the figure's last digit, and none for counts")
    func roundingOfPrintedFigures() {
        #expect(CalibrationReport.Row.printedRounding(0.07, .share) == 0.005)
        #expect(abs(CalibrationReport.Row.printedRounding(0.073, .share) - 0.0005) < 1e-15)
        #expect(CalibrationReport.Row.printedRounding(481, .seconds) == 0.5)
        #expect(abs(CalibrationReport.Row.printedRounding(12.5, .seconds) - 0.05) < 1e-15)
        #expect(CalibrationReport.Row.printedRounding(113_186, .calls) == 0)
    }

    /// The abandoned share computed from published counts is exact: a simulated share 0.3 points off with a
    /// ±0.05-point interval is not "in CI", whereas a printed 7% may be anything from 6.5% to 7.5%.
    @Test("a share computed from published counts gets no rounding; a printed share does")
    func sharesFromCountsAreExact() throws {
        let report = try Self.report(published: "")
        var fromCounts = try #require(report.rows.first { $0.figure == "Abandoned / gross calls" })
        // Published counts whose ratio lies 0.3 points beyond the simulated half-width.
        fromCounts.published = fromCounts.simulated.mean + fromCounts.simulated.halfWidth + 0.003
        #expect(fromCounts.rounding == 0)
        #expect(fromCounts.withinInterval == false)
        fromCounts.rounding = CalibrationReport.Row.printedRounding(0.07, .share)
        #expect(fromCounts.withinInterval == true)
        // And the report builds its ratio rows with none.
        let computed = try Self.report(
            published: "published: { label: 2019-20, gross_calls: 100000, abandoned: 8200, abandonment: 7% }")
        #expect(computed.rows.first { $0.figure == "Abandoned / gross calls" }?.rounding == 0)
        #expect(computed.rows.first { $0.figure == "All queues: abandoned" }?.rounding == 0.005)
    }

    @Test("without published figures the header says 'Published', once")
    func headerWithoutLabel() throws {
        let report = try Self.report(published: "")
        #expect(report.label == nil)
        #expect(report.table().contains("Published  "))
        #expect(!report.table().contains("Published published"))
        #expect(report.markdown().contains("| figure | published | simulated"))
        let labelled = try Self.report(published: "published: { label: 2019-20, gross_calls: 100000 }")
        #expect(labelled.table().contains("Published 2019-20"))
    }
}

@Suite("Full-time equivalents")
struct FullTimeEquivalentTests {
    let rule = FullTimeEquivalent(weeklyHours: 37, shrinkage: 0)

    @Test("a day's agent-hours are that day's FTE on a five-day week, not seven times it")
    func oneDay() {
        // 10 agents for 7.4 h (a 37-hour week's day): 10 FTE. Scaled to a week as before, it was 14.
        #expect(abs(rule.of(agentHours: 74, periodSeconds: 86400) - 10) < 1e-12)
        #expect(abs(rule.of(agentHours: 148, periodSeconds: 2 * 86400) - 10) < 1e-12)
        // An 8-hour scenario is one day's opening: 7 agents for 8 h are 56 / 7.4 FTE.
        #expect(abs(rule.of(agentHours: 56, periodSeconds: 8 * 3600) - 56 / 7.4) < 1e-12)
    }

    @Test("a week or more counts per week, and shrinkage divides")
    func weeks() {
        #expect(abs(rule.of(agentHours: 370, periodSeconds: 7 * 86400) - 10) < 1e-12)
        #expect(abs(rule.of(agentHours: 740, periodSeconds: 14 * 86400) - 10) < 1e-12)
        let shrunk = FullTimeEquivalent(weeklyHours: 37, shrinkage: 0.35)
        #expect(abs(shrunk.of(agentHours: 370, periodSeconds: 7 * 86400) - 10 / 0.65) < 1e-12)
        #expect(shrunk.basis(periodSeconds: 86400).contains("1 working day(s) / 7.4 h"))
    }
}
