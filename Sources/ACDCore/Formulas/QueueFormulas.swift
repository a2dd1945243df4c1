import Foundation

/// The traffic of one queue for the exact formulas: Poisson arrivals, exponential handle times, `agents` agents and,
/// for Erlang A, exponential patience.
package struct Traffic: Sendable, Equatable {
    /// Calls per second.
    package var arrivalRate: Double
    /// Mean handle time (talk and wrap-up), seconds.
    package var meanHandleTime: Double
    /// Mean patience, seconds; `nil` (or infinity) for Erlang C, where nobody abandons.
    package var meanPatience: Double?

    package init(arrivalRate: Double, meanHandleTime: Double, meanPatience: Double? = nil) {
        self.arrivalRate = arrivalRate
        self.meanHandleTime = meanHandleTime
        self.meanPatience = meanPatience
    }

    /// Offered load in Erlangs.
    package var offeredLoad: Double { arrivalRate * meanHandleTime }
}

/// The steady-state performance of a queue as the exact formulas give it.
package struct QueuePerformance: Sendable, Equatable {
    package var agents: Int
    /// Probability that an arriving call waits (finds every agent busy).
    package var probabilityOfWaiting: Double
    /// Probability that an arriving call abandons.
    package var probabilityOfAbandoning: Double
    /// Mean wait of answered calls (ASA), seconds.
    package var averageSpeedOfAnswer: Double
    /// Mean wait of all calls (answered and abandoned), seconds.
    package var meanWaitAll: Double
    /// Answered within the threshold, as a share of answered calls.
    package var serviceLevelOfAnswered: Double
    /// Answered within the threshold, as a share of offered calls.
    package var serviceLevelOfOffered: Double
    /// Busy share of agents' time.
    package var occupancy: Double
    /// The service-level threshold these figures use, seconds.
    package var threshold: Double
    /// False when the queue is overloaded and has no steady state (Erlang C with load >= agents).
    package var isStable: Bool
}

/// Erlang B blocking probability, by the recursion B(k) = A B(k-1) / (k + A B(k-1)): stable for any number of agents.
package func erlangB(agents n: Int, load a: Double) -> Double {
    var b = 1.0
    if n <= 0 { return 1 }
    for k in 1...n { b = a * b / (Double(k) + a * b) }
    return b
}

/// Erlang C (M/M/n): the exact performance of a queue whose callers never abandon.
package func erlangC(_ traffic: Traffic, agents n: Int, threshold t: Double = 20) -> QueuePerformance {
    let a = traffic.offeredLoad
    let mu = 1 / traffic.meanHandleTime
    let rho = a / Double(n)
    guard n > 0, rho < 1 else {
        return QueuePerformance(
            agents: n, probabilityOfWaiting: 1, probabilityOfAbandoning: 0, averageSpeedOfAnswer: .infinity,
            meanWaitAll: .infinity, serviceLevelOfAnswered: 0, serviceLevelOfOffered: 0, occupancy: 1, threshold: t,
            isStable: false)
    }
    let b = erlangB(agents: n, load: a)
    let c = b / (1 - rho * (1 - b))
    let drain = Double(n) * mu - traffic.arrivalRate
    let asa = c / drain
    let sl = 1 - c * exp(-drain * t)
    return QueuePerformance(
        agents: n, probabilityOfWaiting: c, probabilityOfAbandoning: 0, averageSpeedOfAnswer: asa, meanWaitAll: asa,
        serviceLevelOfAnswered: sl, serviceLevelOfOffered: sl, occupancy: rho, threshold: t, isStable: true)
}

/// Erlang A (M/M/n+M, Palm's model): the exact performance of a queue whose callers abandon after an exponential
/// patience. Always stable. See docs/formulas.md for the derivation.
///
/// The stationary distribution of the number of calls in the system is computed relative to state n (so no factorial
/// or power overflows, whatever the number of agents), truncated where its terms fall below 1e-17 of the total. A
/// caller who finds j calls waiting is answered after a sum of exponential stages with rates nμ + iθ (i = j ... 0)
/// unless its own patience runs out first; the answered share, the mean wait of answered calls and the service level
/// follow from that, the last by uniformisation of the stage process.
package func erlangA(_ traffic: Traffic, agents n: Int, threshold t: Double = 20) -> QueuePerformance {
    guard let patience = traffic.meanPatience, patience.isFinite else {
        return erlangC(traffic, agents: n, threshold: t)
    }
    let lambda = traffic.arrivalRate
    let mu = 1 / traffic.meanHandleTime
    let theta = 1 / patience
    let a = traffic.offeredLoad
    let nMu = Double(n) * mu

    // States k < n relative to π_n = 1: π_{k-1} = π_k * k / A.
    var below = 0.0
    var term = 1.0
    var k = n
    while k > 0 {
        term *= Double(k) / a
        below += term
        if term < 1e-300 || (term < 1e-17 * below && Double(k) < a) { break }
        k -= 1
    }
    // States n + j: π_{n+j} = π_{n+j-1} * λ / (nμ + jθ). Waiting-position weights for arrivals seeing j waiting.
    var waiting: [Double] = [1]
    var tail = 1.0
    term = 1.0
    var j = 1
    while true {
        term *= lambda / (nMu + Double(j) * theta)
        if term < 1e-17 * (tail + below) && Double(j) * theta + nMu > lambda { break }
        waiting.append(term)
        tail += term
        j += 1
        if j > 10_000_000 { break }
    }
    let total = below + tail
    let pWait = tail / total
    var lq = 0.0
    var servedWait = 0.0  // E[W 1{answered}]
    var served = 1 - pWait  // answered at once
    var product = 1.0
    var stageSum = 0.0
    for (position, weight) in waiting.enumerated() {
        let p = weight / total
        lq += Double(position) * p
        let rate = nMu + Double(position) * theta
        product *= rate / (rate + theta)
        stageSum += 1 / (rate + theta)
        served += p * product
        servedWait += p * product * stageSum
    }
    let pAbandon = 1 - served
    let asa = served > 0 ? servedWait / served : 0
    let answeredWithin = (1 - pWait) + answeredWithinThreshold(
        waiting: waiting, total: total, nMu: nMu, theta: theta, threshold: t)
    return QueuePerformance(
        agents: n, probabilityOfWaiting: pWait, probabilityOfAbandoning: pAbandon, averageSpeedOfAnswer: asa,
        meanWaitAll: lq / lambda, serviceLevelOfAnswered: served > 0 ? answeredWithin / served : 0,
        serviceLevelOfOffered: answeredWithin, occupancy: min(1, lambda * served / nMu), threshold: t, isStable: true)
}

/// Probability that an arrival waits, is answered, and waits at most `t`: the stage process (position in queue, own
/// abandonment as a competing exit) run by uniformisation and weighted by the Poisson number of jumps.
private func answeredWithinThreshold(waiting: [Double], total: Double, nMu: Double, theta: Double, threshold t: Double)
    -> Double
{
    guard t > 0 else { return 0 }
    let positions = waiting.count
    let uniform = nMu + Double(positions) * theta  // largest exit rate, a_{J} + θ
    let mean = uniform * t
    let steps = Int(mean + 12 * mean.squareRoot() + 30)
    var mass = waiting.map { $0 / total }
    var servedSoFar = 0.0
    var result = 0.0
    // Poisson(k; mean) in log space, so large means do not underflow.
    let logMean = log(mean)
    for step in 0...steps {
        let logWeight = Double(step) * logMean - mean - lgamma(Double(step) + 1)
        result += exp(logWeight) * servedSoFar
        // One uniformised jump: position i moves to i-1 at rate nμ + iθ, leaves by abandonment at θ.
        servedSoFar += mass[0] * nMu / uniform
        for i in 0..<positions {
            let advance = (nMu + Double(i) * theta) / uniform
            let stay = 1 - advance - theta / uniform
            let current = mass[i]
            mass[i] = current * stay + (i + 1 < positions ? mass[i + 1] * (nMu + Double(i + 1) * theta) / uniform : 0)
        }
    }
    // Jumps beyond `steps` carry negligible Poisson weight; their served mass is at least servedSoFar.
    return result
}
