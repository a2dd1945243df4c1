import Foundation

/// A distribution of durations in seconds: handle times, wrap-up, patience, redial delays.
///
/// An enum, not a protocol, so that sampling on the hot path is a switch and never an existential call.
package enum Distribution: Sendable, Equatable {
    /// Exponential with the given mean.
    case exponential(mean: Double)
    /// Always the same value.
    case deterministic(Double)
    /// Uniform on `[low, high]`.
    case uniform(low: Double, high: Double)
    /// Gamma with a shape and a mean; Erlang-k is the gamma with an integer shape k.
    case gamma(shape: Double, mean: Double)
    /// Lognormal given by the mean and standard deviation of the values themselves (not of their logarithm).
    case lognormal(mean: Double, standardDeviation: Double)
    /// One of the listed values, each equally likely.
    case empirical(EmpiricalTable)
    /// A histogram: a bin is chosen by its weight, then a value uniformly inside it.
    case histogram(HistogramTable)

    /// Erlang-k with the given mean.
    package static func erlang(k: Int, mean: Double) -> Distribution { .gamma(shape: Double(k), mean: mean) }

    /// The mean of the distribution.
    package var mean: Double {
        switch self {
        case .exponential(let mean): mean
        case .deterministic(let value): value
        case .uniform(let low, let high): (low + high) / 2
        case .gamma(_, let mean): mean
        case .lognormal(let mean, _): mean
        case .empirical(let table): table.mean
        case .histogram(let table): table.mean
        }
    }

    /// The variance of the distribution.
    package var variance: Double {
        switch self {
        case .exponential(let mean): mean * mean
        case .deterministic: 0
        case .uniform(let low, let high): (high - low) * (high - low) / 12
        case .gamma(let shape, let mean): mean * mean / shape
        case .lognormal(_, let sd): sd * sd
        case .empirical(let table): table.variance
        case .histogram(let table): table.variance
        }
    }

    /// Draws one value.
    package func sample(_ rng: inout RandomStream) -> Double {
        switch self {
        case .exponential(let mean):
            return -mean * log(rng.uniform())
        case .deterministic(let value):
            return value
        case .uniform(let low, let high):
            return low + (high - low) * rng.uniform()
        case .gamma(let shape, let mean):
            return Distribution.gammaVariate(shape: shape, &rng) * (mean / shape)
        case .lognormal(let mean, let sd):
            let sigma2 = log(1 + (sd * sd) / (mean * mean))
            let mu = log(mean) - sigma2 / 2
            return exp(mu + sqrt(sigma2) * Distribution.standardNormal(&rng))
        case .empirical(let table):
            return table.values[rng.below(table.values.count)]
        case .histogram(let table):
            return table.sample(&rng)
        }
    }

    /// Marsaglia and Tsang's method, with the shape < 1 boost.
    static func gammaVariate(shape: Double, _ rng: inout RandomStream) -> Double {
        if shape < 1 {
            let boost = pow(rng.uniform(), 1 / shape)
            return gammaVariate(shape: shape + 1, &rng) * boost
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / sqrt(9 * d)
        while true {
            var x: Double
            var v: Double
            repeat {
                x = standardNormal(&rng)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.uniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// Box-Muller; one normal per call, so the stream position does not depend on earlier calls' parity.
    static func standardNormal(_ rng: inout RandomStream) -> Double {
        let u1 = rng.uniform()
        let u2 = rng.uniform()
        return sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
    }
}

/// The values of an empirical distribution.
package struct EmpiricalTable: Sendable, Equatable {
    package let values: [Double]
    package let mean: Double
    package let variance: Double

    package init(values: [Double]) {
        precondition(!values.isEmpty, "an empirical table needs at least one value")
        self.values = values
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        self.mean = mean
        self.variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
    }
}

/// Bins `[lower, upper)` with weights; the weights need not sum to one.
package struct HistogramTable: Sendable, Equatable {
    package let lower: [Double]
    package let upper: [Double]
    /// Cumulative probabilities, the last one exactly 1.
    package let cumulative: [Double]
    package let mean: Double
    package let variance: Double

    package init(bins: [(lower: Double, upper: Double, weight: Double)]) {
        precondition(!bins.isEmpty, "a histogram needs at least one bin")
        let total = bins.reduce(0) { $0 + $1.weight }
        var running = 0.0
        var cumulative: [Double] = []
        var mean = 0.0
        var second = 0.0
        for bin in bins {
            running += bin.weight
            cumulative.append(running / total)
            let p = bin.weight / total
            let a = bin.lower
            let b = bin.upper
            mean += p * (a + b) / 2
            second += p * (a * a + a * b + b * b) / 3
        }
        cumulative[cumulative.count - 1] = 1
        self.lower = bins.map(\.lower)
        self.upper = bins.map(\.upper)
        self.cumulative = cumulative
        self.mean = mean
        self.variance = second - mean * mean
    }

    package func sample(_ rng: inout RandomStream) -> Double {
        let u = rng.uniform()
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return lower[lo] + (upper[lo] - lower[lo]) * rng.uniform()
    }

    package static func == (a: HistogramTable, b: HistogramTable) -> Bool {
        a.lower == b.lower && a.upper == b.upper && a.cumulative == b.cumulative
    }
}
