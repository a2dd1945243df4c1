import CGLPK
import Foundation

/// How a covering problem was solved, and how good the answer is known to be.
package struct CoverSolution: Sendable {
    /// People on each variant of the problem.
    package var counts: [Int]
    package var cost: Double
    /// `optimal`, `within gap`, `node limit` or `time limit` (the MIP's best answer when the search stopped),
    /// `greedy` (the MIP found nothing better than the greedy cover), or `infeasible` (neither found a plan that
    /// meets the need within the shares).
    package var status: String
    /// The MIP's lower bound on the cost, and the relative gap of `cost` above it.
    package var bound: Double
    package var gap: Double
    package var seconds: Double
    /// The MIP's size: constraints, integer variables, non-zero coefficients.
    package var rows: Int
    package var columns: Int
    package var nonzeros: Int
    /// The greedy cover's cost, for comparison.
    package var greedyCost: Double
}

extension CoverProblem {
    /// A greedy cover: repeatedly add the person whose shift covers the most unmet need per unit cost, then drop
    /// anyone no longer needed, dearest first. A pattern with a share at most `s` takes a person only while it stays
    /// within `s` of everyone chosen so far; minimum shares are not considered (``solve()`` checks them).
    package func greedy() -> [Int] {
        var counts = Array(repeating: 0, count: variants.count)
        var perPattern = Array(repeating: 0, count: rules.patterns.count)
        var total = 0
        var residual = need.map(Double.init)
        func allowed(_ p: Int, total: Int, count: Int) -> Bool {
            guard let s = rules.patterns[p].atMostShare else { return true }
            return Double(count) <= s * Double(total) + 1e-9
        }
        while residual.contains(where: { $0 > 1e-9 }) {
            var best = -1
            var bestScore = 0.0
            for (v, variant) in variants.enumerated()
            where allowed(variant.pattern, total: total + 1, count: perPattern[variant.pattern] + 1) {
                var gain = 0.0
                for (c, s) in zip(variant.cells, variant.coverage) where residual[c] > 1e-9 {
                    gain += min(s, residual[c])
                }
                let score = gain / variant.weeklyCost
                if score > bestScore + 1e-12 {
                    best = v
                    bestScore = score
                }
            }
            guard best >= 0 else { break }
            counts[best] += 1
            perPattern[variants[best].pattern] += 1
            total += 1
            for (c, s) in zip(variants[best].cells, variants[best].coverage) { residual[c] -= s }
        }
        // Drop people the others already cover for, dearest first, keeping every share within its bound.
        let covered = coverage(counts)
        var spare = covered.indices.map { covered[$0] - Double(need[$0]) }
        for v in variants.indices.sorted(by: { variants[$0].weeklyCost > variants[$1].weeklyCost }) {
            while counts[v] > 0,
                zip(variants[v].cells, variants[v].coverage).allSatisfy({ spare[$0.0] + 1e-9 >= $0.1 }),
                rules.patterns.indices.allSatisfy({ p in
                    allowed(p, total: total - 1, count: perPattern[p] - (variants[v].pattern == p ? 1 : 0))
                })
            {
                counts[v] -= 1
                perPattern[variants[v].pattern] -= 1
                total -= 1
                for (c, s) in zip(variants[v].cells, variants[v].coverage) { spare[c] -= s }
            }
        }
        return counts
    }

    /// Solves the covering problem as an integer programme with GLPK (branch and cut), within the rules' time limit
    /// and gap, starting from the greedy cover. Never worse than the greedy cover when that respects the shares.
    package func solve() -> CoverSolution {
        let clock = ContinuousClock.now
        let greedyCounts = greedy()
        let greedyOK = isFeasible(greedyCounts)
        let needed = need.indices.filter { need[$0] > 0 }
        var solution = CoverSolution(
            counts: greedyCounts, cost: cost(greedyCounts), status: "greedy", bound: 0, gap: 0, seconds: 0,
            rows: 0, columns: variants.count, nonzeros: 0, greedyCost: cost(greedyCounts))
        guard !needed.isEmpty else {
            solution.status = "optimal"
            return solution
        }
        let mip = MIP(problem: self, needed: needed)
        solution.rows = mip.rows
        solution.nonzeros = mip.nonzeros
        let outcome = mip.run(
            start: greedyOK ? greedyCounts : nil, timeLimit: rules.timeLimit, nodeLimit: rules.nodeLimit, gap: rules.gap
        )
        if let counts = outcome.counts, !greedyOK || cost(counts) <= solution.cost + 1e-9 {
            solution.counts = counts
            solution.cost = cost(counts)
            solution.status = outcome.status
        } else if !greedyOK {
            solution.status = "infeasible"
        }
        solution.bound = outcome.bound
        solution.gap = solution.cost > 0 ? max(0, (solution.cost - outcome.bound) / solution.cost) : 0
        solution.seconds = (ContinuousClock.now - clock).seconds
        return solution
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// The covering problem in GLPK: a row per needed interval (coverage ≥ need) and per share bound, an integer
/// column per variant (people on it), cost per week as the objective.
final class MIP {
    let problem: CoverProblem
    let lp: OpaquePointer
    let rows: Int
    let nonzeros: Int
    /// Set by the callback: a start to offer, and the best bound seen.
    var start: [Double]?
    var bound = 0.0
    var nodeLimit = Int.max
    var stoppedAtNodes = false

    init(problem: CoverProblem, needed: [Int]) {
        self.problem = problem
        lp = glp_create_prob()
        glp_set_obj_dir(lp, GLP_MIN)
        let row = Dictionary(uniqueKeysWithValues: needed.enumerated().map { ($1, $0 + 1) })
        let shareRows = problem.patterns.flatMap { p -> [(Int, Double, Bool)] in
            let pattern = problem.rules.patterns[p]
            return [pattern.atMostShare.map { (p, $0, true) }, pattern.atLeastShare.map { (p, $0, false) }]
                .compactMap { $0 }
        }
        glp_add_rows(lp, Int32(needed.count + shareRows.count))
        for (c, r) in row { glp_set_row_bnds(lp, Int32(r), GLP_LO, Double(problem.need[c]), 0) }
        for (k, share) in shareRows.enumerated() {
            glp_set_row_bnds(lp, Int32(needed.count + k + 1), share.2 ? GLP_UP : GLP_LO, 0, 0)
        }
        glp_add_cols(lp, Int32(problem.variants.count))
        var ia: [Int32] = [0]
        var ja: [Int32] = [0]
        var ar: [Double] = [0]
        for (v, variant) in problem.variants.enumerated() {
            let j = Int32(v + 1)
            glp_set_col_bnds(lp, j, GLP_LO, 0, 0)
            glp_set_col_kind(lp, j, GLP_IV)
            glp_set_obj_coef(lp, j, variant.weeklyCost)
            for (c, s) in zip(variant.cells, variant.coverage) {
                guard let r = row[c] else { continue }
                ia.append(Int32(r))
                ja.append(j)
                ar.append(s)
            }
            // Share rows: (own pattern ? 1 : 0) − share, for every person.
            for (k, share) in shareRows.enumerated() {
                ia.append(Int32(needed.count + k + 1))
                ja.append(j)
                ar.append((variant.pattern == share.0 ? 1 : 0) - share.1)
            }
        }
        rows = needed.count + shareRows.count
        nonzeros = ia.count - 1
        glp_load_matrix(lp, Int32(nonzeros), ia, ja, ar)
    }

    deinit { glp_delete_prob(lp) }

    /// Solves; `counts` is nil when no integer answer was found.
    func run(
        start: [Int]?, timeLimit: Double, nodeLimit: Int, gap: Double
    ) -> (counts: [Int]?, status: String, bound: Double) {
        self.nodeLimit = nodeLimit
        var smcp = glp_smcp()
        glp_init_smcp(&smcp)
        smcp.msg_lev = GLP_MSG_OFF
        guard glp_simplex(lp, &smcp) == 0, glp_get_status(lp) == GLP_OPT else { return (nil, "no LP answer", 0) }
        bound = glp_get_obj_val(lp)
        self.start = start.map { [0] + $0.map(Double.init) }
        var iocp = glp_iocp()
        glp_init_iocp(&iocp)
        iocp.msg_lev = GLP_MSG_OFF
        iocp.tm_lim = Int32(min(Double(Int32.max), timeLimit * 1000))
        iocp.mip_gap = gap
        iocp.gmi_cuts = GLP_ON
        iocp.mir_cuts = GLP_ON
        iocp.fp_heur = GLP_ON
        iocp.cb_info = Unmanaged.passUnretained(self).toOpaque()
        iocp.cb_func = { tree, info in
            guard let tree, let info else { return }
            let mip = Unmanaged<MIP>.fromOpaque(info).takeUnretainedValue()
            mip.callback(tree)
        }
        let code = glp_intopt(lp, &iocp)
        let status = glp_mip_status(lp)
        guard status == GLP_OPT || status == GLP_FEAS else { return (nil, "no integer answer", bound) }
        let counts = (0..<problem.variants.count).map { Int(glp_mip_col_val(lp, Int32($0 + 1)).rounded()) }
        let text =
            switch code {
            case GLP_ESTOP where stoppedAtNodes: "node limit"
            case 0 where status == GLP_OPT: "optimal"
            case GLP_EMIPGAP: "within gap"
            case GLP_ETMLIM: "time limit"
            default: "stopped (\(code))"
            }
        if text == "optimal" { bound = glp_mip_obj_val(lp) }
        return (counts, text, bound)
    }

    private func callback(_ tree: OpaquePointer) {
        switch glp_ios_reason(tree) {
        case GLP_IHEUR:
            if let start {
                _ = glp_ios_heur_sol(tree, start)
                self.start = nil
            }
        case GLP_ISELECT, GLP_IBINGO:
            let node = glp_ios_best_node(tree)
            if node != 0 { bound = max(bound, glp_ios_node_bound(tree, node)) }
            var active: Int32 = 0
            var total: Int32 = 0
            glp_ios_tree_size(tree, &active, nil, &total)
            if Int(total) > nodeLimit {
                stoppedAtNodes = true
                glp_ios_terminate(tree)
            }
        default: break
        }
    }
}
