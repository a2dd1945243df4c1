import Foundation

/// Targets a staffing calculation must meet; any may be absent.
package struct StaffingGoal: Sendable, Equatable {
    /// Average speed of answer at most this, seconds.
    package var asa: Double?
    /// Abandonment (of offered calls) at most this fraction.
    package var abandonment: Double?
    /// At least `share` answered within `threshold` seconds.
    package var serviceLevel: ServiceLevelTarget?
    /// Service level over answered calls (default) or over offered calls.
    package var serviceLevelOverOffered = false
    /// Occupancy at most this fraction.
    package var maxOccupancy: Double?

    package init(
        asa: Double? = nil, abandonment: Double? = nil, serviceLevel: ServiceLevelTarget? = nil,
        serviceLevelOverOffered: Bool = false, maxOccupancy: Double? = nil
    ) {
        self.asa = asa
        self.abandonment = abandonment
        self.serviceLevel = serviceLevel
        self.serviceLevelOverOffered = serviceLevelOverOffered
        self.maxOccupancy = maxOccupancy
    }

    package func isMet(by p: QueuePerformance) -> Bool { missed(by: p).isEmpty }

    /// The targets `p` misses, each as `ASA 31.2 s > 30 s`; an unstable queue (load at or above the agents, nobody
    /// abandoning) misses them all at once.
    package func missed(by p: QueuePerformance) -> [String] {
        guard p.isStable else { return ["stability (the queue grows without bound)"] }
        var out: [String] = []
        if let asa, p.averageSpeedOfAnswer > asa {
            out.append(String(format: "ASA %.1f s > %.0f s", p.averageSpeedOfAnswer, asa))
        }
        if let abandonment, p.probabilityOfAbandoning > abandonment {
            out.append(String(format: "abandonment %.2f%% > %g%%", p.probabilityOfAbandoning * 100, abandonment * 100))
        }
        if let sl = serviceLevel {
            let achieved = serviceLevelOverOffered ? p.serviceLevelOfOffered : p.serviceLevelOfAnswered
            if achieved < sl.share {
                out.append(String(format: "service level %.2f%% < %g%%", achieved * 100, sl.share * 100))
            }
        }
        if let maxOccupancy, p.occupancy > maxOccupancy {
            out.append(String(format: "occupancy %.2f%% > %g%%", p.occupancy * 100, maxOccupancy * 100))
        }
        return out
    }
}

/// The answer of a staffing calculation.
package struct StaffingAnswer: Sendable, Equatable {
    /// The fewest agents on the phones that meet every target (an integer: agents are counted whole, rounding up).
    package var agents: Int
    /// Staff to employ so that `agents` are available after shrinkage: agents / (1 - shrinkage), not rounded.
    package var fullTimeEquivalent: Double
    package var performance: QueuePerformance
}

/// The fewest agents meeting `goal` for `traffic`, by Erlang A (or Erlang C without patience). Every metric improves
/// as agents are added, so the search doubles until the goal is met and then bisects.
/// - Parameter shrinkage: the share of paid time not available for calls (breaks, training, absence), 0..<1.
package func staff(
    _ traffic: Traffic, goal: StaffingGoal, threshold: Double? = nil, shrinkage: Double = 0, limit: Int = 1_000_000
) -> StaffingAnswer? {
    let t = threshold ?? goal.serviceLevel?.threshold ?? 20
    func performance(_ n: Int) -> QueuePerformance { erlangA(traffic, agents: n, threshold: t) }
    if traffic.arrivalRate <= 0 {
        let p = performance(0 + 1)
        return StaffingAnswer(agents: 0, fullTimeEquivalent: 0, performance: p)
    }
    var high = max(1, Int(traffic.offeredLoad.rounded(.up)))
    var highPerformance = performance(high)
    while !goal.isMet(by: highPerformance) {
        high *= 2
        if high > limit { return nil }
        highPerformance = performance(high)
    }
    var low = 0  // not met (or zero agents)
    while high - low > 1 {
        let mid = (low + high) / 2
        let p = performance(mid)
        if goal.isMet(by: p) {
            high = mid
            highPerformance = p
        } else {
            low = mid
        }
    }
    return StaffingAnswer(
        agents: high, fullTimeEquivalent: Double(high) / (1 - shrinkage), performance: highPerformance)
}
