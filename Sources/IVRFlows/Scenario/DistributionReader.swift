import ACDCore

extension YAMLValue {
    /// A distribution of durations: a mapping with exactly one of `exponential`, `deterministic`, `uniform`, `erlang`,
    /// `gamma`, `lognormal`, `empirical`, `histogram` (docs/scenario.md, "Distributions").
    package func distribution() throws(InputError) -> Distribution {
        let kinds = ["exponential", "deterministic", "uniform", "erlang", "gamma", "lognormal", "empirical", "histogram"]
        guard isMapping else {
            throw error(
                "expected a distribution such as {exponential: 180s} or {lognormal: {mean: 180s, sd: 90s}}, found \(kindName)"
            )
        }
        let entries = try entries()
        guard entries.count == 1, let entry = entries.first else {
            throw error("a distribution has exactly one kind (one of \(kinds.joined(separator: ", ")))")
        }
        let value = entry.value
        switch entry.key {
        case "exponential":
            return .exponential(mean: try value.positiveDuration())
        case "deterministic":
            return .deterministic(try value.duration())
        case "uniform":
            let bounds = try value.items()
            guard bounds.count == 2 else { throw value.error("a uniform distribution takes [low, high]") }
            let low = try bounds[0].duration()
            let high = try bounds[1].duration()
            guard low <= high else { throw value.error("low (\(low) s) is above high (\(high) s)") }
            return .uniform(low: low, high: high)
        case "erlang":
            try value.expectKeys(["k", "mean"], required: ["k", "mean"])
            let k = try value.required("k").int()
            guard k >= 1 else { throw try value.required("k").error("k must be at least 1") }
            return .erlang(k: k, mean: try value.required("mean").positiveDuration())
        case "gamma":
            try value.expectKeys(["shape", "mean"], required: ["shape", "mean"])
            let shape = try value.required("shape").double()
            guard shape > 0 else { throw try value.required("shape").error("the shape must be positive") }
            return .gamma(shape: shape, mean: try value.required("mean").positiveDuration())
        case "lognormal":
            try value.expectKeys(["mean", "sd"], required: ["mean", "sd"])
            let mean = try value.required("mean").positiveDuration()
            let sd = try value.required("sd").duration()
            return .lognormal(mean: mean, standardDeviation: sd)
        case "empirical":
            let values = try value.items().map { v throws(InputError) in try v.duration() }
            guard !values.isEmpty else { throw value.error("an empirical distribution needs at least one value") }
            return .empirical(EmpiricalTable(values: values))
        case "histogram":
            var bins: [(lower: Double, upper: Double, weight: Double)] = []
            for bin in try value.items() {
                let parts = try bin.items()
                guard parts.count == 3 else { throw bin.error("a histogram bin is [from, to, weight]") }
                let lower = try parts[0].duration()
                let upper = try parts[1].duration()
                let weight = try parts[2].double()
                guard lower <= upper else { throw bin.error("the bin's start is after its end") }
                guard weight >= 0 else { throw parts[2].error("a weight cannot be negative") }
                bins.append((lower, upper, weight))
            }
            guard bins.contains(where: { $0.weight > 0 }) else {
                throw value.error("a histogram needs at least one bin with a positive weight")
            }
            return .histogram(HistogramTable(bins: bins))
        default:
            let hint = closest(entry.key, among: kinds).map { " Did you mean '\($0)'?" } ?? ""
            throw entry.keyValue.error(
                "unknown distribution '\(entry.key)'.\(hint) Known: \(kinds.joined(separator: ", ")).")
        }
    }

    package func positiveDuration() throws(InputError) -> Double {
        let value = try duration()
        guard value > 0 else { throw error("must be more than zero") }
        return value
    }
}
