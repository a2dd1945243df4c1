import ACDCore
import ACDReports
import Foundation
import IVRFlows

/// What a fit works on: the scenario file, the `--set` changes it is read with, its `fit:` block, and how each
/// evaluation is simulated. Every evaluation uses the same seed and replications (common random numbers), so the
/// objective is one fixed function of the parameters and its differences are not drowned in noise.
package struct FitProblem: Sendable {
    package var path: String
    package var overrides: [ScenarioOverride]
    package var spec: FitSpec
    package var seed: UInt64
    package var replications: Int
    package var threads: Int?
    /// Follows every evaluation's replications and simulated time, for a progress display.
    package var meter: RunMeter?

    package init(
        path: String, overrides: [ScenarioOverride], spec: FitSpec, seed: UInt64, replications: Int,
        threads: Int? = nil
    ) {
        self.path = path
        self.overrides = overrides
        self.spec = spec
        self.seed = seed
        self.replications = replications
        self.threads = threads
    }
}

/// One simulation of the scenario at parameter values `x`: the fitted figures and their scaled residuals.
struct Evaluation: Sendable {
    var x: [Double]
    var rows: [CalibrationReport.Row]
    /// √weight × (simulated − published) / tolerance, per figure.
    var residuals: [Double]
    var cost: Double { residuals.reduce(0) { $0 + $1 * $1 } }
}

/// A figure the fit matches: the calibration row it reads, its weight and its tolerance in the figure's own unit.
struct FitTarget: Sendable {
    var name: String
    var published: Double
    var unit: CalibrationReport.Unit
    var weight: Double
    var tolerance: Double

    func residual(_ value: Double) -> Double { weight.squareRoot() * (value - published) / tolerance }
}

/// Fits a scenario's free parameters to its published figures by bounded Levenberg-Marquardt on common random
/// numbers (docs/fitting.md): a finite-difference Jacobian, damped Gauss-Newton steps kept inside the bounds,
/// Broyden updates between fresh Jacobians, and at the end a fresh Jacobian for the uncertainty and to find
/// figures no parameter moves.
package struct Fitter: Sendable {
    package var problem: FitProblem
    /// The finite-difference step, as a share of each parameter's range.
    package var step = 0.05

    package init(problem: FitProblem) { self.problem = problem }

    var parameters: [FitSpec.Parameter] { problem.spec.parameters }

    /// Parameter values from positions in [0, 1] along each range.
    func values(_ u: [Double]) -> [Double] {
        zip(u, parameters).map { $1.lower + $0 * ($1.upper - $1.lower) }
    }

    /// Simulates the scenario at `x` and reads every calibration row.
    func simulate(_ x: [Double]) throws(InputError) -> CalibrationReport {
        var changes = problem.overrides
        for (p, value) in zip(parameters, x) { changes.append(try ScenarioOverride(p.override(value))) }
        let scenario = try Scenario.load(path: problem.path, overrides: changes)
        let summary = ReplicationRunner(model: scenario.model, seed: problem.seed, threads: problem.threads)
            .summarize(replications: problem.replications, meter: problem.meter)
        if let (replication, fault) = summary.fault {
            throw problem.spec.location.error("replication \(replication) stopped: \(fault)")
        }
        // The staff FTE row is never fitted (it counts work the model does not simulate): any rule will do.
        return CalibrationReport(
            scenario: scenario, summary: summary, seed: problem.seed, shrinkage: 0.35, weeklyHours: 37)
    }

    /// The figures to match, from the first evaluation's calibration rows; a figure the fit names that is not
    /// published (or does not exist) is an error at its place in the `fit:` block.
    func targets(_ report: CalibrationReport) throws(InputError) -> [FitTarget] {
        let published = report.rows.filter { $0.published != nil && $0.unit != .fte }
        func target(_ row: CalibrationReport.Row, _ weight: Double, _ tolerance: Double?) -> FitTarget {
            let value = row.published ?? 0
            let defaultTolerance = row.unit == .share ? 0.005 : row.unit == .seconds ? 0.05 : 0.01
            let t = tolerance ?? defaultTolerance
            let absolute = row.unit == .share ? t : max(t * abs(value), 1e-9)
            return FitTarget(
                name: row.figure.trimmingCharacters(in: .whitespaces), published: value, unit: row.unit,
                weight: weight, tolerance: absolute)
        }
        guard let figures = problem.spec.figures else { return published.map { target($0, 1, nil) } }
        var out: [FitTarget] = []
        for figure in figures {
            guard let row = published.first(where: { $0.figure.trimmingCharacters(in: .whitespaces) == figure.name })
            else {
                let names = published.map { "'\($0.figure.trimmingCharacters(in: .whitespaces))'" }
                throw figure.location.error(
                    "no published figure named '\(figure.name)'; the published ones: \(names.joined(separator: ", "))")
            }
            out.append(target(row, figure.weight, figure.tolerance))
        }
        return out
    }

    func evaluation(_ x: [Double], targets: [FitTarget]) throws(InputError) -> Evaluation {
        Self.evaluation(x, report: try simulate(x), targets: targets)
    }

    static func evaluation(_ x: [Double], report: CalibrationReport, targets: [FitTarget]) -> Evaluation {
        let rows = targets.map { t in report.rows.first { $0.figure.trimmingCharacters(in: .whitespaces) == t.name }! }
        return Evaluation(x: x, rows: rows, residuals: zip(targets, rows).map { $0.residual($1.simulated.mean) })
    }
}
