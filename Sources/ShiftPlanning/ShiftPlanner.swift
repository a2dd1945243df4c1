import ACDCore
import Foundation

/// Turns a weekly requirement per block (``StaffingSolver``) into shifts people can work, simulates the plan and
/// repairs it where a target is missed.
///
/// For each agent group and block, the agents needed per interval of the week are covered at least cost by the
/// shift patterns the group may work (``CoverProblem``, a MIP). The agents the plan puts on the phones (whole agents:
/// the coverage rounded down, so a break's half-interval never counts as a whole agent) become the group's rota and
/// the period is simulated. Every cell the simulation finds missed (at the solver's ``StaffingSolver/Meet`` grain)
/// needs one more agent than the plan gave it; the blocks touched are solved again, and so on, `maxRepairs` times
/// at most. Groups that answer no queue first-hand (pure overflow) keep their rota.
package struct ShiftPlanner: Sendable {
    package var solver: StaffingSolver
    package var rules: ShiftRules
    package var blockLabels: [String]
    package var maxRepairs = 8
    /// Plan against the requirement levelled over each interval and its neighbours (the mean of the three, rounded
    /// up, among intervals of the same day that need anyone) instead of the requirement itself. The cell-by-cell
    /// search leaves one-interval spikes where a low neighbour passes its backlog on; shifts span hours, so the
    /// neighbours' agents serve that backlog. The simulation and repair decide whether the levelled plan holds.
    package var levelling = false

    package init(solver: StaffingSolver, rules: ShiftRules, blockLabels: [String]) {
        self.solver = solver
        self.rules = rules
        self.blockLabels = blockLabels
    }

    /// One group's plan for one block.
    package struct BlockPlan: Sendable {
        package var need: [Int]
        package var problem: CoverProblem
        package var solution: CoverSolution
        /// Whole agents on the phones per interval of the week.
        package var onPhones: [Int]
    }

    package struct Result: Sendable {
        /// Per group and block; nil where the group keeps its rota or needs nobody.
        package var plans: [[BlockPlan?]]
        /// Agents on the phones per group and decision cell, as simulated.
        package var cells: [[Int]]
        package var summary: Summary
        /// Cells still missed after the last repair.
        package var unmet: [(group: Int, cell: Int)]
        package var repairs: Int
        package var simulations: Int
        package var mipSeconds: Double
        /// The weekly cost of all plans before any repair.
        package var firstCost: Double
    }

    /// A need no pattern of the group can cover, located in the shift file's terms.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Each interval's need replaced by the mean of it and its neighbours in the same day that need anyone, rounded
    /// up; intervals that need nobody stay at nobody.
    package static func levelled(_ need: [Int], perDay: Int) -> [Int] {
        need.indices.map { c in
            guard need[c] > 0 else { return 0 }
            let day = c / perDay
            let around = [c - 1, c, c + 1].filter { $0 >= 0 && $0 < need.count && $0 / perDay == day && need[$0] > 0 }
            let mean = Double(around.reduce(0) { $0 + need[$1] }) / Double(around.count)
            return Int((mean - 1e-9).rounded(.up))
        }
    }

    /// Plans every planned group's blocks, simulates, and repairs the blocks with missed cells until none is missed
    /// or `maxRepairs` rounds are spent.
    package func plan(requirement: StaffingSolver.Answer) throws(Failure) -> Result {
        let week = solver.weekCells
        let planned = Set(solver.primaryGroup.filter { $0 >= 0 }).sorted()
        var plans: [[BlockPlan?]] = solver.model.groups.indices.map { _ in
            Array(repeating: nil, count: solver.blockCount)
        }
        var mipSeconds = 0.0
        func solve(_ g: Int, _ b: Int, need: [Int]) throws(Failure) {
            plans[g][b] = try solveBlock(group: g, block: b, need: need)
            mipSeconds += plans[g][b]?.solution.seconds ?? 0
        }
        for g in planned {
            for b in 0..<solver.blockCount {
                let need = Array(requirement.cells[g][(b * week)..<((b + 1) * week)])
                try solve(g, b, need: levelling ? Self.levelled(need, perDay: week / 7) : need)
            }
        }
        let firstCost = plans.joined().reduce(0.0) { $0 + ($1?.solution.cost ?? 0) }
        // The agents on the phones as last simulated, and what that simulation found.
        var simulated = cells(plans, requirement: requirement, planned: planned)
        var (met, summary) = solver.evaluate(simulated)
        var simulations = 1
        var repairs = 0
        while repairs < maxRepairs {
            let raised = raisedNeeds(plans, simulated: simulated, met: met, planned: planned)
            guard !raised.isEmpty else { break }
            for (g, blocks) in raised.sorted(by: { $0.key < $1.key }) {
                for (b, need) in blocks.sorted(by: { $0.key < $1.key }) { try solve(g, b, need: need) }
            }
            simulated = cells(plans, requirement: requirement, planned: planned)
            (met, summary) = solver.evaluate(simulated)
            simulations += 1
            repairs += 1
        }
        var unmet: [(Int, Int)] = []
        for g in planned { for c in 0..<solver.cellCount where !met[g][c] { unmet.append((g, c)) } }
        return Result(
            plans: plans, cells: simulated, summary: summary, unmet: unmet, repairs: repairs,
            simulations: simulations, mipSeconds: mipSeconds, firstCost: firstCost)
    }

    /// The least-cost cover of one group's need over one block by the patterns it may work; nil if it needs nobody.
    func solveBlock(group g: Int, block b: Int, need: [Int]) throws(Failure) -> BlockPlan? {
        guard need.contains(where: { $0 > 0 }) else { return nil }
        let name = solver.model.groups[g].name
        let allowed = rules.patterns(forGroup: name)
        guard !allowed.isEmpty else {
            throw Failure(description: "\(rules.file): no shift pattern lists the group '\(name)' (groups:)")
        }
        let problem: CoverProblem
        do {
            problem = try CoverProblem(
                need: need, intervalLength: solver.model.intervalLength, rules: rules, patterns: allowed)
        } catch {
            throw Failure(description: "\(rules.file): \(name), \(blockLabels[b]): \(error)")
        }
        let solution = problem.solve()
        guard solution.status != "infeasible" else {
            throw Failure(
                description: "\(rules.file): \(name), \(blockLabels[b]): no plan found that covers the need within "
                    + "the patterns' shares (share:); widen them or raise solver.nodes")
        }
        let covered = problem.coverage(solution.counts).map { Int(($0 + 1e-9).rounded(.down)) }
        return BlockPlan(need: need, problem: problem, solution: solution, onPhones: covered)
    }

    /// Agents on the phones per group and cell: the plans' for planned groups, the requirement's for the rest.
    func cells(_ plans: [[BlockPlan?]], requirement: StaffingSolver.Answer, planned: [Int]) -> [[Int]] {
        let week = solver.weekCells
        return solver.model.groups.indices.map { g in
            guard planned.contains(g) else { return requirement.cells[g] }
            return (0..<solver.blockCount).flatMap { b in plans[g][b]?.onPhones ?? Array(repeating: 0, count: week) }
        }
    }

    /// Per group and block with a missed cell, the block's need with every missed cell raised to one more agent
    /// than the simulation had there.
    func raisedNeeds(
        _ plans: [[BlockPlan?]], simulated: [[Int]], met: [[Bool]], planned: [Int]
    ) -> [Int: [Int: [Int]]] {
        let week = solver.weekCells
        var raised: [Int: [Int: [Int]]] = [:]
        for g in planned {
            for c in 0..<solver.cellCount where !met[g][c] {
                let b = c / week
                var need = raised[g]?[b] ?? plans[g][b]?.need ?? Array(repeating: 0, count: week)
                need[c % week] = max(need[c % week], simulated[g][c] + 1)
                raised[g, default: [:]][b] = need
            }
        }
        return raised
    }
}
