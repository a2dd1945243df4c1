import Foundation

/// A mean over independent replications with the half-width of its 95% confidence interval (Student's t).
package struct Estimate: Sendable, Equatable, Codable {
    package var mean: Double
    /// Half-width of the 95% interval; `.infinity` with a single replication, 0 when all replications agree.
    package var halfWidth: Double
    package var replications: Int

    package init(mean: Double, halfWidth: Double, replications: Int) {
        self.mean = mean
        self.halfWidth = halfWidth
        self.replications = replications
    }

    /// The estimate from one value per replication, summed in replication order (so the result does not depend on
    /// which thread finished first).
    package init(_ values: [Double]) {
        let n = values.count
        replications = n
        guard n > 0 else {
            mean = .nan
            halfWidth = .nan
            return
        }
        var sum = 0.0
        for v in values { sum += v }
        let mean = sum / Double(n)
        self.mean = mean
        guard n > 1 else {
            halfWidth = .infinity
            return
        }
        var squares = 0.0
        for v in values { squares += (v - mean) * (v - mean) }
        let variance = squares / Double(n - 1)
        halfWidth = StudentT.quantile975(degreesOfFreedom: n - 1) * (variance / Double(n)).squareRoot()
    }

    package var lower: Double { mean - halfWidth }
    package var upper: Double { mean + halfWidth }

    /// Whether `value` lies inside the 95% interval.
    package func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
}

/// The 0.975 quantile of Student's t distribution, for 95% two-sided intervals.
package enum StudentT {
    private static let table: [Double] = [
        12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135,
        2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546, 2.119905299,
        2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
        2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
    ]

    /// Exact to 9 digits for up to 30 degrees of freedom (tabulated), and within 1e-6 above (the Cornish-Fisher
    /// expansion of t around the normal quantile).
    package static func quantile975(degreesOfFreedom df: Int) -> Double {
        precondition(df >= 1, "degrees of freedom must be at least 1")
        if df <= table.count { return table[df - 1] }
        let z = 1.959963984540054
        let n = Double(df)
        let z3 = z * z * z
        let z5 = z3 * z * z
        let z7 = z5 * z * z
        let z9 = z7 * z * z
        return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n)
            + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * n * n * n * n)
    }
}
