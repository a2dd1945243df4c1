import ACDCore
import ACDReports
import Foundation
import IVRFlows

/// What `acdd calibrate --fit` found (its JSON): each parameter's fitted value with its uncertainty, each figure
/// before and after, and the `--set` changes that make the fitted scenario.
package struct FitResult: Codable, Sendable {
    package struct Parameter: Codable, Sendable {
        package var name: String
        package var set: String
        package var unit: FitSpec.Unit
        package var lower: Double
        package var upper: Double
        package var start: Double
        package var fitted: Double
        /// The standard error from the spread over replications (`nil` at a bound or when no figure moves it).
        package var standardError: Double?
        /// `lower` or `upper` when the fit pressed the parameter against that bound.
        package var atBound: String?
        /// Whether some figure moves it; if not it stays at its start.
        package var identified: Bool

        /// The 95% interval, `fitted ± 1.96 standard errors`, cut to the bounds.
        package var interval: ClosedRange<Double>? {
            standardError.map { max(lower, fitted - 1.96 * $0)...min(upper, fitted + 1.96 * $0) }
        }
    }

    package struct Figure: Codable, Sendable {
        package var figure: String
        package var unit: String
        package var published: Double
        package var weight: Double
        /// In the figure's own unit (calls, seconds, a fraction).
        package var tolerance: Double
        package var before: Estimate
        package var after: Estimate
        package var withinBefore: Bool
        package var withinAfter: Bool
        /// The most the parameters move it over their bounds, in tolerances (linearised at the answer); below 0.1
        /// the figure is reported as one no parameter can move.
        package var reach: Double
        package var movable: Bool { reach >= 0.1 }
    }

    package var scenario: String
    package var method: String
    package var seed: UInt64
    package var replications: Int
    package var evaluations: Int
    package var stopped: String
    package var costBefore: Double
    package var costAfter: Double
    package var seconds: Double
    package var parameters: [Parameter]
    package var figures: [Figure]
    /// The `--set` changes that make the fitted scenario.
    package var sets: [String]
    /// The objective after each evaluation of the search (the best so far), in order.
    package var trace: [Double]

    init(fitter: Fitter, targets: [FitTarget], start: Evaluation, state: Fitter.State, reason: String, seconds: Double)
    {
        let spec = fitter.problem.spec
        scenario = fitter.problem.path
        method = "bounded Levenberg-Marquardt on common random numbers (finite differences, Broyden updates)"
        seed = fitter.problem.seed
        replications = fitter.problem.replications
        evaluations = state.evaluations
        stopped = reason
        costBefore = start.cost
        costAfter = state.best.cost
        self.seconds = seconds
        let x = fitter.values(state.u)
        let j = state.jacobian
        var parameters: [Parameter] = spec.parameters.indices.map { k in
            let p = spec.parameters[k]
            // At a bound the interval would be one-sided: none is given, and the parameter is left out of the
            // others' uncertainty (it is held there, not estimated).
            let bound: String? = state.u[k] <= 1e-9 ? "lower" : state.u[k] >= 1 - 1e-9 ? "upper" : nil
            return Parameter(
                name: p.name, set: p.path, unit: p.unit, lower: p.lower, upper: p.upper, start: p.start, fitted: x[k],
                standardError: nil, atBound: bound, identified: j.contains { abs($0[k]) >= 0.05 })
        }
        let free = parameters.indices.filter { parameters[$0].identified && parameters[$0].atBound == nil }
        let errors = Self.standardErrors(jacobian: j, free: free, evaluation: state.best, targets: targets)
        for (i, k) in free.enumerated() {
            parameters[k].standardError = errors.map { $0[i] * (spec.parameters[k].upper - spec.parameters[k].lower) }
        }
        self.parameters = parameters
        figures = targets.indices.map { i in
            let t = targets[i]
            let (b, a) = (start.rows[i].simulated, state.best.rows[i].simulated)
            return Figure(
                figure: t.name, unit: t.unit.rawValue, published: t.published, weight: t.weight, tolerance: t.tolerance,
                before: b, after: a, withinBefore: abs(b.mean - t.published) <= t.tolerance,
                withinAfter: abs(a.mean - t.published) <= t.tolerance,
                reach: j[i].reduce(0) { $0 + abs($1) } / t.weight.squareRoot())
        }
        sets = zip(spec.parameters, x).map { $0.override($1) }
        trace = state.trace
    }

    /// Standard errors of the free parameters' positions (share of range) by the delta method: the fitted
    /// positions move by −(JᵀJ)⁻¹Jᵀε when the figures' means move by ε, and ε's covariance is the spread of each
    /// figure over replications divided by their number, plus the published figure's rounding (uniform).
    static func standardErrors(
        jacobian j: [[Double]], free: [Int], evaluation e: Evaluation, targets: [FitTarget]
    )
        -> [Double]?
    {
        guard !free.isEmpty else { return [] }
        let jf = j.map { row in free.map { row[$0] } }
        guard let inverse = Matrix.inverse(Matrix.transposeTimes(jf, jf)) else { return nil }
        let a = Matrix.times(inverse, Matrix.transpose(jf))
        let scaled = zip(targets, e.rows).map { t, row in row.perReplication.map { t.residual($0) } }
        let n = Double(scaled.first?.count ?? 0)
        guard n >= 2 else { return nil }
        let means = scaled.map { $0.reduce(0, +) / n }
        var sigma = scaled.indices.map { i in
            scaled.indices.map { k in
                zip(scaled[i], scaled[k]).reduce(0) { $0 + ($1.0 - means[i]) * ($1.1 - means[k]) } / (n - 1) / n
            }
        }
        for i in targets.indices {
            let rounding = e.rows[i].rounding * targets[i].weight.squareRoot() / targets[i].tolerance
            sigma[i][i] += rounding * rounding / 3
        }
        let covariance = Matrix.times(Matrix.times(a, sigma), Matrix.transpose(a))
        return free.indices.map { covariance[$0][$0].squareRoot() }
    }
}
