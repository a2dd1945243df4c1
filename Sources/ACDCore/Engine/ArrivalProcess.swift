import Foundation

/// The model's own callers as a value: for each arrival source (each queue's own arrivals, then each entry), a
/// non-homogeneous Poisson process with a constant rate within each interval, drawn from its own random stream.
///
/// The engine holds one and asks it for each source's next arrival; a load generator can hold another with the same
/// model, seed and replication and get exactly the same arrival times (the callers' types then come from
/// ``FlowProgram/drawCaller(entry:at:draws:)``, as the simulator draws them). Redials are not part of it: whether a
/// caller redials depends on whether they abandoned.
package struct ArrivalProcess: Sendable {
    /// Arrival rate per second, `[source * intervalCount + interval]`.
    let rates: ContiguousArray<Double>
    var streams: ContiguousArray<RandomStream>
    let intervalLength: Double
    let intervalCount: Int
    /// Intervals in one turn of the period; `endless` processes go round it again.
    let cycle: Int
    let endless: Bool

    /// Sources: the model's queues, then its entries.
    package var sourceCount: Int { streams.count }

    package init(model: CentreModel, seed: UInt64, replication: Int, cycle: Int, endless: Bool) {
        rates = ContiguousArray(
            (model.queues.map(\.volumes) + model.entries.map(\.volumes)).flatMap {
                $0.map { $0 / model.intervalLength }
            })
        streams = ContiguousArray(
            (0..<(model.queues.count + model.entries.count)).map {
                RandomStream(seed: seed, replication: replication, purpose: .arrivals, index: $0)
            })
        intervalLength = model.intervalLength
        intervalCount = model.intervalCount
        self.cycle = cycle
        self.endless = endless
    }

    /// The source's next arrival after `time`, found by inverting the cumulative rate: one exponential per arrival,
    /// consumed across intervals of different rates, so the stream is the same whatever else changes. `nil` when none
    /// comes before the period's end (or, endless, within a whole turn of it: the source has no callers at all).
    @inline(__always)
    package mutating func next(source q: Int, after time: Double) -> Double? {
        var work = -log(streams[q].uniform())
        var t = time
        var n = Int(time / intervalLength)
        let stop = endless ? n + cycle : intervalCount
        let base = q * intervalCount
        while n < stop {
            let rate = rates[base + (n < cycle ? n : n % cycle)]
            let end = Double(n + 1) * intervalLength
            if rate > 0 {
                let candidate = t + work / rate
                if candidate < end { return candidate }
                work -= rate * (end - t)
            }
            t = end
            n += 1
        }
        return nil
    }
}
