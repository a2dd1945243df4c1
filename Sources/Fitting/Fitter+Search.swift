import ACDReports
import Foundation
import IVRFlows

/// How far the search has got, for a progress bar: evaluations done, the most it will do, the best cost so far.
package typealias FitProgress = @Sendable (_ done: Int, _ planned: Int, _ best: Double) -> Void

extension Fitter {
    /// The search's state: where it is (positions in [0, 1]), its Jacobian (∂residual/∂position) and whether that
    /// Jacobian was measured there or only updated.
    struct State {
        var u: [Double]
        var best: Evaluation
        var jacobian: [[Double]]
        var fresh: Bool
        var evaluations: Int
        var damping = 1e-2
        /// The best objective after each evaluation.
        var trace: [Double] = []
    }

    /// Runs the fit: evaluates the start, searches, and measures a fresh Jacobian at the answer for its uncertainty.
    package func run(progress: FitProgress? = nil) throws(InputError) -> FitResult {
        try problem.spec.checkStarts()
        let clock = ContinuousClock.now
        let planned = problem.spec.maxEvaluations
        let u0 = parameters.map { ($0.start - $0.lower) / ($0.upper - $0.lower) }
        let first = try simulate(values(u0))
        let targets = try targets(first)
        let start = Self.evaluation(values(u0), report: first, targets: targets)
        progress?(1, planned, start.cost)
        var state = State(u: u0, best: start, jacobian: [], fresh: true, evaluations: 1, trace: [start.cost])
        state.jacobian = try jacobian(at: &state, targets: targets, progress: progress)
        let reason = try search(&state, targets: targets, progress: progress)
        if !state.fresh { state.jacobian = try jacobian(at: &state, targets: targets, progress: progress) }
        let seconds = Double((ContinuousClock.now - clock).components.seconds)
        return FitResult(
            fitter: self, targets: targets, start: start, state: state, reason: reason, seconds: seconds)
    }

    /// Forward differences at the state's position (backward at an upper bound), one evaluation per parameter.
    func jacobian(
        at state: inout State, targets: [FitTarget], progress: FitProgress?
    ) throws(InputError)
        -> [[Double]]
    {
        var columns: [[Double]] = []
        for j in parameters.indices {
            var u = state.u
            let h = u[j] + step <= 1 ? step : -step
            u[j] += h
            let e = try evaluation(values(u), targets: targets)
            state.evaluations += 1
            state.trace.append(state.best.cost)
            progress?(state.evaluations, problem.spec.maxEvaluations, state.best.cost)
            columns.append(zip(e.residuals, state.best.residuals).map { ($0 - $1) / h })
        }
        state.fresh = true
        return Matrix.transpose(columns)
    }

    /// Damped Gauss-Newton steps inside the bounds until the cost stops falling; the reason it stopped.
    func search(_ state: inout State, targets: [FitTarget], progress: FitProgress?) throws(InputError) -> String {
        let p = parameters.count
        while state.evaluations + p < problem.spec.maxEvaluations {
            guard let next = step(state) else { return "no parameter can lower the cost further within its bounds" }
            if zip(next, state.u).allSatisfy({ abs($0 - $1) < 1e-4 }) { return "the step became negligible" }
            let e = try evaluation(values(next), targets: targets)
            state.evaluations += 1
            state.trace.append(min(e.cost, state.best.cost))
            if e.cost < state.best.cost {
                let gain = state.best.cost - e.cost
                broyden(&state, to: next, evaluation: e)
                progress?(state.evaluations, problem.spec.maxEvaluations, e.cost)
                if gain < 1e-3 * e.cost + 1e-9 { return "the cost stopped falling (by under 0.1% a step)" }
            } else {
                progress?(state.evaluations, problem.spec.maxEvaluations, state.best.cost)
                state.damping *= 4
                if state.damping > 1e8 { return "no step lowers the cost" }
                if !state.fresh { state.jacobian = try jacobian(at: &state, targets: targets, progress: progress) }
            }
        }
        return "the evaluation budget (\(problem.spec.maxEvaluations), \(p) kept for the last Jacobian) ran out"
    }

    /// The next position: a damped Gauss-Newton step over the parameters free to move (not pressed against a bound,
    /// and moved by some figure), clamped to [0, 1]; `nil` when none is free.
    func step(_ state: State) -> [Double]? {
        let j = state.jacobian
        let r = state.best.residuals
        let gradient = Matrix.transposeTimes(j, r.map { [$0] }).map { $0[0] }
        let normal = Matrix.transposeTimes(j, j)
        let free = parameters.indices.filter { k in
            normal[k][k] > 1e-12
                && !(state.u[k] <= 0 && gradient[k] > 0) && !(state.u[k] >= 1 && gradient[k] < 0)
        }
        guard !free.isEmpty else { return nil }
        let a = free.map { i in free.map { k in normal[i][k] + (i == k ? state.damping * (normal[i][i] + 1e-6) : 0) } }
        guard let delta = Matrix.solve(a, free.map { -gradient[$0] }) else { return nil }
        var next = state.u
        for (i, k) in free.enumerated() { next[k] = min(1, max(0, next[k] + delta[i])) }
        return next
    }

    /// Accepts a step: moves there, loosens the damping, and updates the Jacobian by Broyden's rank-one rule.
    func broyden(_ state: inout State, to u: [Double], evaluation e: Evaluation) {
        let s = zip(u, state.u).map { $0 - $1 }
        let ss = s.reduce(0) { $0 + $1 * $1 }
        if ss > 0 {
            for i in state.jacobian.indices {
                let predicted = zip(state.jacobian[i], s).reduce(0) { $0 + $1.0 * $1.1 }
                let miss = (e.residuals[i] - state.best.residuals[i]) - predicted
                for k in s.indices { state.jacobian[i][k] += miss * s[k] / ss }
            }
        }
        state.u = u
        state.best = e
        state.fresh = false
        state.damping = max(state.damping / 3, 1e-7)
    }
}
