import ACDCore
import Foundation
import IVRFlows
import Testing

/// examples/ivr with no repeat calls: a caller who calls back enters the flow with a given type rather than a drawn
/// one, and their arrival is not one of the arrival process's.
func ivrWithoutRepeatCalls() throws -> CentreModel {
    var model = try Scenario.load(path: repositoryRoot.appendingPathComponent("examples/ivr").path).model
    for f in model.flows.indices {
        for s in model.flows[f].steps.indices { model.flows[f].steps[s].callBack = nil }
    }
    return model
}

/// The simulator works out each flow caller's whole path when they dial (its fast path). Walking the same callers one
/// step at a time with the flow interpreter, on the same random draws, must give the same nodes, the same type, the
/// same exit time and the same outcome for every caller.
@Suite("Flow interpreter against the simulator's fast path")
struct InterpreterAgreementTests {
    @Test("100,000 random callers through examples/ivr agree, caller for caller")
    func agree() throws {
        let model = try ivrWithoutRepeatCalls()
        // (A misrouted caller ends in another queue than the flow chose: the flow's is the record's first queue.)
        let program = FlowProgram(model: model)
        var callers = 0
        var replication = 0
        while callers < 100_000 {
            var engine = Engine(model: model, seed: 99, replication: replication)
            engine.recordsCalls = true
            engine.runToCompletion()
            var flowDraws = RandomStream(seed: 99, replication: replication, purpose: .flow)
            var callerDraws = model.entries.indices.map {
                RandomStream(seed: 99, replication: replication, purpose: .callerChoice, index: $0)
            }
            for record in engine.drainRecords().sorted(by: { $0.serial < $1.serial }) {
                guard let e = record.entry?.index else { continue }
                let caller = program.drawCaller(entry: e, at: record.arrival, draws: &callerDraws[e])
                let walk = program.drawnWalk(
                    entry: e, intent: caller.intent, at: record.arrival, deadline: caller.deadline, draws: &flowDraws)
                try #require(walk.path.map(Int32.init) == record.path, "caller \(record.serial)")
                try #require(walk.intent == record.intent)
                if walk.hungUp {
                    try #require(record.outcome == .hungUp && record.endOfWait == walk.leaves)
                } else if let queue = record.firstQueue ?? record.queue {
                    try #require(program.outcome(at: walk.end) == "queued \(model.queues[queue.index].name)")
                    try #require(record.ivrExit == walk.leaves)
                } else {
                    try #require(
                        program.outcome(at: walk.end)
                            == FlowOutcome.allCases.first {
                                CallRecord.Outcome(rawValue: $0.description) == record.outcome
                            }?.description)
                    try #require(record.endOfWait == walk.leaves)
                }
                callers += 1
            }
            replication += 1
        }
        #expect(callers >= 100_000)
    }
}

@Suite("Arrivals as a value")
struct ArrivalProcessTests {
    @Test("the arrival process outside the engine gives the simulator's callers, time for time")
    func sameCallers() throws {
        let model = try ivrWithoutRepeatCalls()
        var engine = Engine(model: model, seed: 3, replication: 1)
        engine.recordsCalls = true
        engine.runToCompletion()
        let dialled = engine.drainRecords().filter { $0.entry != nil }.map(\.arrival).sorted()
        var process = ArrivalProcess(
            model: model, seed: 3, replication: 1, cycle: model.intervalCount, endless: false)
        var times: [Double] = []
        var t = 0.0
        while let next = process.next(source: model.queues.count, after: t) {
            times.append(next)
            t = next
        }
        #expect(dialled.count > 10_000)
        #expect(times == dialled)
    }
}
