import ACDCore
import Foundation

/// Agent-hours turned into full-time equivalents, one rule for `staff`, `calibrate` and `compare`.
///
/// Over a week or more, per week: agent-hours / weeks / paid hours a week. Over less than a week, per working day of
/// a five-day week: agent-hours / days (a part-day counts as a day: an 8-hour scenario is one day's opening) / (paid
/// hours a week / 5), so a one-day scenario's FTE is that day's staff, not seven times it. Then / (1 - shrinkage),
/// for the paid time off the phones.
package struct FullTimeEquivalent: Sendable, Equatable {
    package var weeklyHours: Double
    package var shrinkage: Double

    package init(weeklyHours: Double, shrinkage: Double) {
        self.weeklyHours = weeklyHours
        self.shrinkage = shrinkage
    }

    /// FTE for `agentHours` worked over `periodSeconds`.
    package func of(agentHours: Double, periodSeconds: Double) -> Double {
        let days = Self.days(periodSeconds)
        let paidHours = days >= 7 ? days / 7 * weeklyHours : days * weeklyHours / 5
        return paidHours > 0 ? agentHours / paidHours / (1 - shrinkage) : 0
    }

    /// FTE of a model's own rota: every group's headcount over the period.
    package func ofRota(_ model: CentreModel) -> Double {
        let hours =
            model.groups.reduce(0.0) { $0 + Double($1.rota.headcount.reduce(0, +)) } * model.intervalLength / 3600
        return of(agentHours: hours, periodSeconds: model.horizon)
    }

    /// How `of` counts, for a period of `periodSeconds`, as a footnote says it.
    package func basis(periodSeconds: Double) -> String {
        let days = Self.days(periodSeconds)
        let per =
            days >= 7
            ? String(format: "agent-hours / %.1f weeks / %.0f h", days / 7, weeklyHours)
            : String(
                format: "agent-hours / %.0f working day(s) / %.1f h (a %.0f-hour week over 5 days)", days,
                weeklyHours / 5, weeklyHours)
        return per + String(format: " / (1 - %.0f%% shrinkage)", shrinkage * 100)
    }

    /// The period in days; under a week, whole days (rounded up).
    static func days(_ periodSeconds: Double) -> Double {
        let days = periodSeconds / 86400
        return days >= 7 ? days : days.rounded(.up)
    }
}
