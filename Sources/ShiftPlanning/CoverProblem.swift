import IVRFlows

/// One way to work a pattern: a start time, the days of the week, where each break falls, and the share of each
/// interval of the week it covers.
package struct ShiftVariant: Sendable, Equatable {
    package var pattern: Int
    /// Seconds from midnight.
    package var start: Double
    /// Weekdays worked, 0 = Monday.
    package var days: [Int]
    /// Each break's start, seconds after the shift's start, in the pattern's break order.
    package var breakOffsets: [Double]
    /// Intervals of the week (0 = Monday 00:00) it covers, and the share of each it is on the phones.
    package var cells: [Int]
    package var coverage: [Double]
    package var weeklyHours: Double
    package var weeklyCost: Double
}

/// Agents needed per interval of a week that no shift pattern can cover.
package struct UncoverableNeed: Error, CustomStringConvertible, Sendable, Equatable {
    /// The interval of the week, e.g. `Tue 03:00`.
    package var interval: String
    package var agents: Int
    package var patterns: [String]

    package init(interval: String, agents: Int, patterns: [String]) {
        self.interval = interval
        self.agents = agents
        self.patterns = patterns
    }

    package var description: String {
        "\(agents) agent\(agents == 1 ? "" : "s") needed at \(interval), but no shift pattern works then "
            + "(patterns: \(patterns.joined(separator: ", ")))"
    }
}

/// The covering problem for one agent group and one week: how many people on each shift variant so that the agents
/// on the phones meet the need in every interval, at least cost.
package struct CoverProblem: Sendable {
    /// Agents needed in each interval of the week, Monday 00:00 first.
    package var need: [Int]
    package var intervalLength: Double
    package var rules: ShiftRules
    /// The variants that cover a needed interval (or belong to a pattern with a minimum share).
    package var variants: [ShiftVariant]
    /// The patterns allowed.
    package var patterns: [Int]

    package var perDay: Int { Int((86400 / intervalLength).rounded()) }

    package init(need: [Int], intervalLength: Double, rules: ShiftRules, patterns: [Int]) throws(UncoverableNeed) {
        self.need = need
        self.intervalLength = intervalLength
        self.rules = rules
        self.patterns = patterns
        variants = []
        for p in patterns { variants += Self.variants(of: p, rules: rules, intervalLength: intervalLength) }
        let needed = Set(need.indices.filter { need[$0] > 0 })
        variants.removeAll { v in
            rules.patterns[v.pattern].atLeastShare == nil && !v.cells.contains(where: needed.contains)
        }
        var covered = Array(repeating: false, count: need.count)
        for v in variants { for (c, share) in zip(v.cells, v.coverage) where share > 0 { covered[c] = true } }
        if let c = need.indices.first(where: { need[$0] > 0 && !covered[$0] }) {
            throw UncoverableNeed(
                interval: cellLabel(c), agents: need[c], patterns: patterns.map { rules.patterns[$0].name })
        }
    }

    /// `Tue 03:00` for interval `c` of the week.
    package func cellLabel(_ c: Int) -> String {
        "\(Weekday.label(c / perDay)) \(Quantity.clockText(Double(c % perDay) * intervalLength))"
    }

    /// Every start, day set and break placement of pattern `p`.
    static func variants(of p: Int, rules: ShiftRules, intervalLength: Double) -> [ShiftVariant] {
        let pattern = rules.patterns[p]
        let daySets = pattern.days.sets
        let placements = breakPlacements(pattern.breaks)
        let cost = rules.hourlyCost(pattern) * pattern.weeklyHours
        var out: [ShiftVariant] = []
        for start in pattern.starts {
            for offsets in placements {
                let day = dayCoverage(pattern, start: start, offsets: offsets, intervalLength: intervalLength)
                for days in daySets {
                    let week = 7 * Int((86400 / intervalLength).rounded())
                    var share = [Int: Double]()
                    for d in days {
                        for (c, s) in day { share[(c + d * week / 7) % week, default: 0] += s }
                    }
                    let cells = share.keys.sorted()
                    out.append(
                        ShiftVariant(
                            pattern: p, start: start, days: days, breakOffsets: offsets, cells: cells,
                            coverage: cells.map { share[$0]! }, weeklyHours: pattern.weeklyHours, weeklyCost: cost))
                }
            }
        }
        return out
    }

    /// Every combination of break starts in which no two breaks overlap.
    static func breakPlacements(_ breaks: [ShiftBreak]) -> [[Double]] {
        var out: [[Double]] = [[]]
        for b in breaks {
            out = out.flatMap { done in
                b.offsets.compactMap { o -> [Double]? in
                    let clash = zip(done, breaks).contains { start, other in
                        o < start + other.length && start < o + b.length
                    }
                    return clash ? nil : done + [o]
                }
            }
        }
        return out
    }

    /// The share of each interval from the start of the shift's first day (which may run past midnight) that one
    /// shift spends on the phones.
    static func dayCoverage(
        _ pattern: ShiftPattern, start: Double, offsets: [Double], intervalLength: Double
    ) -> [(Int, Double)] {
        var pieces = [(start, start + pattern.length)]
        for (b, offset) in zip(pattern.breaks, offsets) {
            let (from, to) = (start + offset, start + offset + b.length)
            pieces = pieces.flatMap { piece -> [(Double, Double)] in
                [(piece.0, min(piece.1, from)), (max(piece.0, to), piece.1)].filter { $0.1 > $0.0 }
            }
        }
        var out: [(Int, Double)] = []
        let first = Int((start / intervalLength).rounded(.down))
        let last = Int(((start + pattern.length) / intervalLength).rounded(.up))
        for c in first..<last {
            let (lo, hi) = (Double(c) * intervalLength, Double(c + 1) * intervalLength)
            let seconds = pieces.reduce(0.0) { $0 + max(0, min(hi, $1.1) - max(lo, $1.0)) }
            if seconds > 1e-9 { out.append((c, seconds / intervalLength)) }
        }
        return out
    }

    /// Agents on the phones per interval of the week with `counts` people on each variant.
    package func coverage(_ counts: [Int]) -> [Double] {
        var out = Array(repeating: 0.0, count: need.count)
        for (v, n) in zip(variants, counts) where n > 0 {
            for (c, s) in zip(v.cells, v.coverage) { out[c] += Double(n) * s }
        }
        return out
    }

    /// Whether `counts` meets the need everywhere and respects every share bound.
    package func isFeasible(_ counts: [Int]) -> Bool {
        let covered = coverage(counts)
        guard need.indices.allSatisfy({ covered[$0] + 1e-9 >= Double(need[$0]) }) else { return false }
        return shareViolations(counts) == 0
    }

    func shareViolations(_ counts: [Int]) -> Int {
        let total = Double(counts.reduce(0, +))
        var bad = 0
        for p in patterns {
            let n = Double(zip(variants, counts).filter { $0.0.pattern == p }.reduce(0) { $0 + $1.1 })
            if let s = rules.patterns[p].atMostShare, n > s * total + 1e-9 { bad += 1 }
            if let s = rules.patterns[p].atLeastShare, n < s * total - 1e-9 { bad += 1 }
        }
        return bad
    }

    package func cost(_ counts: [Int]) -> Double {
        zip(variants, counts).reduce(0) { $0 + $1.0.weeklyCost * Double($1.1) }
    }
}
