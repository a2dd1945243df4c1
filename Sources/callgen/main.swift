import ACDCore
import Foundation
let n = 100
let rate = 0.95 * Double(n) / 180.0   // per second
let hours = 2000
let model = CentreModel(
    queues: [Queue(name: "q", volumes: Array(repeating: rate * 3600, count: hours), handleTime: .exponential(mean: 180), patience: .exponential(mean: 300))],
    groups: [AgentGroup(name: "g", skills: [Skill(queue: 0)], rota: .constant(n, intervals: hours))],
    intervalLength: 3600, intervalCount: hours)
let t0 = Date()
let e = SimulatedClock().run(Engine(model: model, seed: 1, replication: 0))
let dt = Date().timeIntervalSince(t0)
let r = ReplicationResult(engine: e, replication: 0)
let m = r.queueMetrics(0, definitions: model.definitions)
print("calls", r.calls, "events", r.events, "secs", dt, "calls/s", Double(r.calls)/dt)
print("asa", m.asa, "aband", m.abandonment, "sl", m.serviceLevel, "p90", m.p90)
let p = erlangA(Traffic(arrivalRate: rate, meanHandleTime: 180, meanPatience: 300), agents: n, threshold: 20)
print(p)
print(erlangC(Traffic(arrivalRate: rate, meanHandleTime: 180), agents: n, threshold: 20))
