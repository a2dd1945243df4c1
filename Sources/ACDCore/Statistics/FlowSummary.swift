/// One entry's callers in its flow, over replications (docs/metrics.md, "Flows").
package struct EntrySummary: Sendable {
    package let name: String
    package let flow: String
    package let callers: Estimate
    /// Share of callers by how their time in the flow ended, indexed by `FlowOutcome.rawValue`.
    package let outcomeShares: [Estimate]
    /// Self-served share.
    package let containment: Estimate
    /// Self-served plus deflected (satisfied by a signpost) share.
    package let deflection: Estimate
    /// Containment and deflection net of contained callers who call again within the flow's repeat window.
    package let trueContainment: Estimate
    package let trueDeflection: Estimate
    /// Share of callers who were calling again.
    package let repeatShare: Estimate
    /// Share of callers answered at a queue that does not serve their intent.
    package let misrouteRate: Estimate
    /// Share who hung up inside the IVR.
    package let abandonedInFlow: Estimate
    /// Mean and 90th percentile of time in the flow, seconds.
    package let meanTime: Estimate
    package let p90Time: Estimate

    package func share(_ outcome: FlowOutcome) -> Estimate { outcomeShares[Int(outcome.rawValue)] }

    /// Every figure by its report name (docs/metrics.md, "Flows"); outcome shares as `share_OUTCOME`.
    package var figures: [(name: String, value: Estimate)] {
        [
            ("callers", callers), ("containment", containment), ("deflection", deflection),
            ("true_containment", trueContainment), ("true_deflection", trueDeflection), ("repeat_share", repeatShare),
            ("misroute_rate", misrouteRate), ("abandoned_in_ivr", abandonedInFlow), ("mean_time_s", meanTime),
            ("p90_time_s", p90Time),
        ] + FlowOutcome.allCases.map { ("share_\($0.description)", share($0)) }
    }
}

/// One node of a flow, over replications.
package struct NodeSummary: Sendable {
    package let flow: String
    package let name: String
    package let visits: Estimate
    /// Hang-ups during the node per visit.
    package let hangUpShare: Estimate
    package let meanTime: Estimate
    package let p90Time: Estimate
    /// Leaving the node by transition: the node reached and how many times per replication.
    package let exits: [(to: String, count: Estimate)]
}

extension Summary {
    /// Per entry of the model, how its callers fared in its flow.
    package var entries: [EntrySummary] {
        model.entries.indices.map { e in
            let tallies = results.map(\.flows)
            func share(_ pick: (FlowTallies) -> Int) -> Estimate {
                Estimate(tallies.map { t in t.callers[e] > 0 ? Double(pick(t)) / Double(t.callers[e]) : 0 })
            }
            let outcomes = FlowOutcome.allCases.map { o in share { $0.outcomes[e][Int(o.rawValue)] } }
            return EntrySummary(
                name: model.entries[e].name, flow: model.flows[model.entries[e].flow].name,
                callers: Estimate(tallies.map { Double($0.callers[e]) }), outcomeShares: outcomes,
                containment: outcomes[Int(FlowOutcome.selfServed.rawValue)],
                deflection: share {
                    $0.outcomes[e][Int(FlowOutcome.selfServed.rawValue)]
                        + $0.outcomes[e][Int(FlowOutcome.deflected.rawValue)]
                },
                trueContainment: share {
                    $0.outcomes[e][Int(FlowOutcome.selfServed.rawValue)] - $0.selfServedCallingBack[e]
                },
                trueDeflection: share {
                    $0.outcomes[e][Int(FlowOutcome.selfServed.rawValue)]
                        + $0.outcomes[e][Int(FlowOutcome.deflected.rawValue)]
                        - $0.selfServedCallingBack[e] - $0.deflectedCallingBack[e]
                },
                repeatShare: share { $0.repeatCallers[e] },
                misrouteRate: share { $0.misrouted[e] },
                abandonedInFlow: outcomes[Int(FlowOutcome.hungUp.rawValue)],
                meanTime: Estimate(tallies.map { $0.callers[e] > 0 ? $0.timeInFlow[e] / Double($0.callers[e]) : 0 }),
                p90Time: Estimate(tallies.map { $0.flowTimes[e].percentile(90) }))
        }
    }

    /// Per node of every flow (a node is a step that heads itself), in flow and step order.
    package var nodes: [NodeSummary] {
        var out: [NodeSummary] = []
        var base = 0
        for flow in model.flows {
            let heads = flow.steps.indices.map { flow.steps[$0].node ?? $0 }
            for (local, step) in flow.steps.enumerated() where heads[local] == local {
                let g = base + local
                let tallies = results.map { $0.flows.steps[g] }
                // Transitions out of the node: exits of its steps whose target lies in another node.
                var exits: [(String, [Double])] = []
                for (s, member) in flow.steps.enumerated() where heads[s] == local {
                    var routeTargets: [Int]?
                    switch member.action {
                    case .route(let targets, _): routeTargets = targets
                    case .relabel(_, let next): routeTargets = [next]
                    default: routeTargets = nil
                    }
                    guard let targets = routeTargets else {
                        if case .hours(_, let open, let closed) = member.action {
                            for (k, target) in [open, closed].enumerated() where heads[target] != local {
                                let counts = results.map { Double($0.flows.exits[$0.flows.exitBase[base + s] + k]) }
                                exits.append((flow.steps[heads[target]].name, counts))
                            }
                        }
                        continue
                    }
                    for (k, target) in targets.enumerated() {
                        // Another node, or an outcome the node ends in (a self-service completion, a satisfied
                        // signpost), named after its finish step.
                        let ending: Bool
                        if case .finish = flow.steps[target].action {
                            ending = heads[target] == local
                        } else {
                            ending = false
                        }
                        guard heads[target] != local || ending else { continue }
                        let name = ending ? flow.steps[target].name : flow.steps[heads[target]].name
                        let counts = results.map { Double($0.flows.exits[$0.flows.exitBase[base + s] + k]) }
                        if let i = exits.firstIndex(where: { $0.0 == name }) {
                            exits[i].1 = zip(exits[i].1, counts).map { $0 + $1 }
                        } else {
                            exits.append((name, counts))
                        }
                    }
                }
                out.append(
                    NodeSummary(
                        flow: flow.name, name: step.name, visits: Estimate(tallies.map { Double($0.visits) }),
                        hangUpShare: Estimate(
                            tallies.map { $0.visits > 0 ? Double($0.hangUps) / Double($0.visits) : 0 }),
                        meanTime: Estimate(tallies.map { $0.visits > 0 ? $0.time / Double($0.visits) : 0 }),
                        p90Time: Estimate(tallies.map { $0.times.percentile(90) }),
                        exits: exits.map { ($0.0, Estimate($0.1)) }))
            }
            base += flow.steps.count
        }
        return out
    }

    /// Calls reaching each queue from flows, by intent: `[queue][intent]`, mean per replication.
    package var queueArrivalsByIntent: [[Estimate]] {
        model.queues.indices.map { q in
            model.intents.indices.map { k in Estimate(results.map { Double($0.flows.queueArrivalsByIntent[q][k]) }) }
        }
    }
}
