import ACDCore
import Foundation

/// One call to send: when (engine seconds, as the daemon's clock counts them), where, and as which caller type.
package struct PlannedCall: Sendable, Equatable, Codable {
    package enum Target: Sendable, Equatable, Codable {
        case entry(String)
        case queue(String)
    }

    package var time: Double
    package var target: Target
    /// The caller type, drawn from the entry's mix as the simulator draws it (entries only).
    package var intent: String?
    /// The engine's source number (queues, then entries) and the call's number in the plan.
    package var source: Int
    package var serial: Int

    package init(time: Double, target: Target, intent: String?, source: Int, serial: Int) {
        (self.time, self.target, self.intent, self.source, self.serial) = (time, target, intent, source, serial)
    }
}

/// The calls a model offers between two engine times, in time order: the simulator's own arrival generator
/// (``ArrivalProcess``) with the same seed and replication, so the same seed gives the same callers (times, and for
/// entries the caller types, drawn from the entry's caller stream as the simulator draws them). Redials and repeat
/// calls are not planned: they depend on what happened to the first call.
package enum ArrivalPlan {
    package static func generate(
        model: CentreModel, seed: UInt64, replication: Int = 0, from start: Double, to end: Double
    ) -> [PlannedCall] {
        let cycle = EngineOptions.cycle(of: model)
        var process = ArrivalProcess(model: model, seed: seed, replication: replication, cycle: cycle, endless: true)
        let program = FlowProgram(model: model)
        var callerDraws = model.entries.indices.map {
            RandomStream(seed: seed, replication: replication, purpose: .callerChoice, index: $0)
        }
        let queues = model.queues.count
        // Every source's arrivals from 0 (the streams are consumed in order), kept from `start`.
        var next: [Double?] = (0..<process.sourceCount).map { process.next(source: $0, after: 0) }
        var calls: [PlannedCall] = []
        while true {
            var best = -1
            for s in next.indices {
                if let t = next[s], t < end, best < 0 || t < next[best]! { best = s }
            }
            guard best >= 0, let t = next[best] else { break }
            next[best] = process.next(source: best, after: t)
            if best < queues {
                guard t >= start else { continue }
                calls.append(
                    PlannedCall(
                        time: t, target: .queue(model.queues[best].name), intent: nil, source: best,
                        serial: calls.count))
            } else {
                let e = best - queues
                let caller = program.drawCaller(entry: e, at: t, draws: &callerDraws[e])
                guard t >= start else { continue }
                calls.append(
                    PlannedCall(
                        time: t, target: .entry(model.entries[e].name),
                        intent: model.intents.isEmpty ? nil : model.intents[caller.intent], source: best,
                        serial: calls.count))
            }
        }
        return calls
    }
}
