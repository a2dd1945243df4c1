import ACDCore
import ACDReports
import Fitting
import Foundation
import IVRFlows
import Testing

/// `acdd calibrate --fit` on a synthetic centre whose parameters are known: simulate it, publish its outputs, and
/// fit a copy that starts elsewhere.
@Suite("Fitting a scenario to published figures")
struct FittingTests {
    /// The true patience and handle time, and the runs that "publish" the truth and fit it.
    static let truePatience = 300.0
    static let trueHandle = 180.0
    static let publishedReplications = 40
    static let fitReplications = 10

    static func model(patience: Double, handle: Double, published: String = "", fit: String = "") -> String {
        // Only the fitted copy reads `published`: the truth's own run (which makes `published`) must not.
        var queuePublished = ""
        if !published.isEmpty {
            let p = Self.published
            queuePublished = "published: { label: test, asa: \(p.asa)s, abandonment: \(p.abandonment * 100)% }"
        }
        return """
            interval: 1h
            period: { duration: 200h }
            seed: 5
            \(published)
            queues:
              - name: q
                arrivals: 100/h
                handle_time: { exponential: \(handle)s }
                patience: { exponential: \(patience)s }
                \(queuePublished)
            groups:
              - { name: g, skills: [q], agents: 6 }
            \(fit)
            """
    }

    /// The truth's figures over 40 replications with another seed than the fit's.
    static let published: (asa: Double, abandonment: Double, answered: Double, gross: Double) = {
        let scenario = try! Scenario.parse(model(patience: truePatience, handle: trueHandle))
        let summary = ReplicationRunner(model: scenario.model, seed: 99, threads: 2)
            .summarize(replications: publishedReplications)
        let totals = summary.results.map { CentreTotals(result: $0, model: scenario.model) }
        let n = Double(totals.count)
        return (
            summary.queues[0].asa.mean, summary.queues[0].abandonment.mean,
            totals.map(\.answeredByStaff).reduce(0, +) / n, totals.map(\.grossCalls).reduce(0, +) / n
        )
    }()

    static func fitBlock(patience: String = "{ set: 'queues[q].patience.exponential', from: 60s, to: 1800s }") -> String
    {
        """
        fit:
          replications: \(fitReplications)
          parameters:
            - \(patience)
            - { set: 'queues[q].handle_time.exponential', from: 120s, to: 300s }
          figures:
            - { figure: "q: ASA" }
            - { figure: "q: abandoned" }
            - { figure: Answered by staff }
            - { figure: Gross calls received }
        """
    }

    /// Writes the scenario that starts away from the truth (patience 900 s, handle 240 s) and fits it.
    static func fit(patience: String? = nil) throws -> FitResult {
        let p = published
        let text = model(
            patience: 900, handle: 240,
            published: String(
                format: "published: { label: test, gross_calls: %.3f, answered_by_staff: %.3f }", p.gross, p.answered),
            fit: patience.map { fitBlock(patience: $0) } ?? fitBlock())
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fit-\(UUID()).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let scenario = try Scenario.load(path: path)
        let spec = try #require(scenario.fit)
        let problem = FitProblem(
            path: path, overrides: [], spec: spec, seed: scenario.seed, replications: fitReplications, threads: 2)
        return try Fitter(problem: problem).run()
    }

    /// The published figures carry their own noise (40 replications against the fit's 10), so the interval a
    /// recovered value must fall in is the reported one widened by √(1 + 10/40).
    @Test("the fit recovers known parameters within their reported uncertainty")
    func recoversKnownParameters() throws {
        let result = try Self.fit()
        let widen = (1 + Double(Self.fitReplications) / Double(Self.publishedReplications)).squareRoot()
        for (parameter, truth) in zip(result.parameters, [Self.truePatience, Self.trueHandle]) {
            let se = try #require(parameter.standardError, "\(parameter.name) has no uncertainty")
            #expect(parameter.atBound == nil && parameter.identified)
            #expect(
                abs(parameter.fitted - truth) <= 1.96 * se * widen, "\(parameter.name): \(parameter.fitted) ± \(se)")
            // The start was far off: the fit moved it by more than its uncertainty.
            #expect(abs(parameter.start - truth) > 4 * se)
        }
        #expect(result.costAfter < result.costBefore)
        #expect(result.sets.count == 2 && result.sets[0].hasPrefix("queues[q].patience.exponential="))
    }

    @Test("a figure no parameter moves is reported as such, and the others are not")
    func immovableFigure() throws {
        let result = try Self.fit()
        let gross = try #require(result.figures.first { $0.figure == "Gross calls received" })
        #expect(!gross.movable)
        #expect(gross.reach == 0)
        for figure in result.figures where figure.figure != "Gross calls received" {
            #expect(figure.movable, "\(figure.figure)")
        }
        #expect(result.table(scenarioArgument: "s.yaml").contains("no parameter moves it"))
    }

    /// With patience bounded to 900-1800 s, the truth (300 s) lies outside: the fit stops at the lower bound and
    /// says so, and never simulates a value outside the bounds.
    @Test("bounds are respected, and a parameter pressed against one is reported")
    func boundsRespected() throws {
        let result = try Self.fit(patience: "{ set: 'queues[q].patience.exponential', from: 900s, to: 1800s }")
        let patience = result.parameters[0]
        #expect(patience.fitted == 900)
        #expect(patience.atBound == "lower")
        #expect(patience.standardError == nil)
        for parameter in result.parameters { #expect((parameter.lower...parameter.upper).contains(parameter.fitted)) }
    }

    @Test("a fit block's mistakes are located")
    func locatedErrors() throws {
        func error(_ fit: String) -> String {
            do {
                let scenario = try Scenario.parse(Self.model(patience: 300, handle: 180, fit: fit), file: "s.yaml")
                try scenario.fit?.checkStarts()
                return "no error"
            } catch { return error.description }
        }
        #expect(
            error("fit: { parameters: [{ set: 'queues[q].patience.exponential', from: 600s, to: 60s }] }")
                == "s.yaml:13:78: fit.parameters[0].to: 'to' must be above 'from'")
        #expect(
            error("fit: { parameters: [{ set: 'queues[q].patience.exponential', from: 10s, to: 60s }] }")
                == "s.yaml:13:28: fit.parameters[0].set: the start, 300.0s, lies outside 10.0s-60.0s")
        #expect(
            error("fit: { parameters: [{ set: 'queues[q].wrap_up.exponential', from: 10s, to: 60s }] }")
                == "s.yaml:13:28: fit.parameters[0].set: the scenario has no value at "
                + "'queues[q].wrap_up.exponential' to start from: give 'start'")
    }
}
