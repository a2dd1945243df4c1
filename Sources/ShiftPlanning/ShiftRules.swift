/// What a shift file states: the shift patterns people can work and what their hours cost (docs/shifts.md).
package struct ShiftRules: Sendable, Equatable {
    /// Paid hours a week of one full-time equivalent.
    package var fullTimeHours: Double
    /// Cost of one FTE for a year; hours are priced at this / (full-time hours × 52.18 weeks) unless a pattern says.
    package var costPerFTE: Double?
    /// Cost of a paid hour, for patterns that do not set their own.
    package var costPerHour: Double?
    /// Share of paid time lost to leave, sickness and training, on top of the plan: FTE = planned / (1 − absence).
    package var absence: Double
    /// The MIP solver's limits per covering problem.
    package var timeLimit: Double
    /// Branch-and-bound nodes per problem: the limit that keeps answers the same on every machine (a time limit
    /// depends on the machine's speed, so it is only a safety net).
    package var nodeLimit: Int
    package var gap: Double
    package var patterns: [ShiftPattern]
    /// The file the rules came from, for messages.
    package var file: String

    package init(
        fullTimeHours: Double = 37, costPerFTE: Double? = nil, costPerHour: Double? = nil, absence: Double = 0,
        timeLimit: Double = 60, nodeLimit: Int = 2000, gap: Double = 0.01, patterns: [ShiftPattern],
        file: String = "shifts"
    ) {
        self.fullTimeHours = fullTimeHours
        self.costPerFTE = costPerFTE
        self.costPerHour = costPerHour
        self.absence = absence
        self.timeLimit = timeLimit
        self.nodeLimit = nodeLimit
        self.gap = gap
        self.patterns = patterns
        self.file = file
    }

    /// Weeks in a year, for yearly costs: 365.25 / 7.
    package static let weeksPerYear = 365.25 / 7

    /// The cost of one paid hour on `pattern`: its own, the file's, or the FTE cost spread over a year's hours; 1
    /// when nothing is priced (the plan then minimises paid hours).
    package func hourlyCost(_ pattern: ShiftPattern) -> Double {
        pattern.costPerHour ?? costPerHour ?? costPerFTE.map { $0 / (fullTimeHours * Self.weeksPerYear) } ?? 1
    }

    /// Whether any cost is stated (else costs are paid hours).
    package var isPriced: Bool {
        costPerFTE != nil || costPerHour != nil || patterns.contains { $0.costPerHour != nil }
    }

    /// The patterns an agent group may work: those that name it, or name no group.
    package func patterns(forGroup name: String) -> [Int] {
        patterns.indices.filter { patterns[$0].groups.isEmpty || patterns[$0].groups.contains(name) }
    }
}

/// One kind of shift: how long, when it may start, on which days, with which breaks.
package struct ShiftPattern: Sendable, Equatable {
    package var name: String
    /// Agent groups that may work it; empty for all.
    package var groups: [String]
    /// From the start to the end of the shift, breaks included, seconds.
    package var length: Double
    /// Earliest and latest start, seconds from midnight, and the step between starts.
    package var earliestStart: Double
    package var latestStart: Double
    package var startStep: Double
    package var days: Days
    package var breaks: [ShiftBreak]
    /// Paid hours a week the pattern must come to, if stated (checked against the shift).
    package var contractedHours: Double?
    package var costPerHour: Double?
    /// Bounds on this pattern's share of the people in a group's plan (part-time limits).
    package var atMostShare: Double?
    package var atLeastShare: Double?

    package enum Days: Sendable, Equatable {
        /// This many consecutive days, starting on any weekday (the week wraps round).
        case consecutive(Int)
        /// These weekdays (0 = Monday).
        case fixed([Int])
        /// `count` days in a row among these weekdays (Monday-Friday: Monday-Wednesday, Tuesday-Thursday,
        /// Wednesday-Friday); the run wraps round the week only when all seven are listed.
        case within(count: Int, days: [Int])

        package var count: Int {
            switch self {
            case .consecutive(let n): n
            case .fixed(let days): days.count
            case .within(let n, _): n
            }
        }

        /// Every set of weekdays a person on the pattern may work.
        package var sets: [[Int]] {
            switch self {
            case .fixed(let days): return [days]
            case .consecutive(let n) where n == 7: return [Array(0..<7)]
            case .consecutive(let n): return (0..<7).map { first in (0..<n).map { (first + $0) % 7 } }
            case .within(let n, let days) where days.count == 7:
                return Days.consecutive(n).sets
            case .within(let n, let days):
                return days.filter { d in (0..<n).allSatisfy { days.contains(d + $0) } }.map { d in
                    Array(d..<(d + n))
                }
            }
        }
    }

    package init(
        name: String, groups: [String] = [], length: Double, earliestStart: Double, latestStart: Double,
        startStep: Double, days: Days, breaks: [ShiftBreak] = [], contractedHours: Double? = nil,
        costPerHour: Double? = nil, atMostShare: Double? = nil, atLeastShare: Double? = nil
    ) {
        self.name = name
        self.groups = groups
        self.length = length
        self.earliestStart = earliestStart
        self.latestStart = latestStart
        self.startStep = startStep
        self.days = days
        self.breaks = breaks
        self.contractedHours = contractedHours
        self.costPerHour = costPerHour
        self.atMostShare = atMostShare
        self.atLeastShare = atLeastShare
    }

    /// Paid seconds of one shift: its length less unpaid breaks.
    package var paidSeconds: Double { length - breaks.filter { !$0.paid }.reduce(0) { $0 + $1.length } }
    /// Paid hours a week.
    package var weeklyHours: Double { paidSeconds / 3600 * Double(days.count) }
    /// The starts the pattern allows, seconds from midnight.
    package var starts: [Double] { Array(stride(from: earliestStart, through: latestStart + 1e-6, by: startStep)) }
}

/// A break within a shift: it starts between `earliest` and `latest` after the shift starts, on a `step` grid.
package struct ShiftBreak: Sendable, Equatable {
    package var name: String
    package var length: Double
    package var paid: Bool
    package var earliest: Double
    package var latest: Double
    package var step: Double

    package init(name: String, length: Double, paid: Bool, earliest: Double, latest: Double, step: Double) {
        self.name = name
        self.length = length
        self.paid = paid
        self.earliest = earliest
        self.latest = latest
        self.step = step
    }

    /// The offsets from the shift's start the break may begin at.
    package var offsets: [Double] { Array(stride(from: earliest, through: latest + 1e-6, by: step)) }
}
