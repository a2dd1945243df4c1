import ACDCore
import Foundation
import Testing

@Suite("Erlang formulas")
struct FormulaTests {
    @Test("Erlang B matches published tables")
    func erlangBTable() {
        // Standard table values: A = 10 E, n = 10 -> 0.21458; A = 2 E, n = 5 -> 0.03670.
        #expect(abs(erlangB(agents: 10, load: 10) - 0.214582) < 1e-6)
        #expect(abs(erlangB(agents: 5, load: 2) - 0.036697) < 1e-6)
    }

    @Test("Erlang C matches the closed form computed independently with factorials")
    func erlangCClosedForm() {
        // C(n, A) = (A^n/n! * n/(n-A)) / (sum_{k<n} A^k/k! + A^n/n! * n/(n-A)), small n so factorials are exact.
        for (n, a) in [(11, 10.0), (5, 3.5), (20, 17.0), (3, 1.0)] {
            var sum = 0.0
            var term = 1.0
            for k in 0..<n {
                if k > 0 { term *= a / Double(k) }
                sum += term
            }
            let top = term * a / Double(n) * Double(n) / (Double(n) - a)
            let expected = top / (sum + top)
            let traffic = Traffic(arrivalRate: a / 180, meanHandleTime: 180)
            let p = erlangC(traffic, agents: n, threshold: 20)
            #expect(abs(p.probabilityOfWaiting - expected) < 1e-12, "n=\(n) A=\(a)")
            let expectedASA = expected * 180 / (Double(n) - a)
            #expect(abs(p.averageSpeedOfAnswer - expectedASA) < 1e-9)
            let expectedSL = 1 - expected * exp(-(Double(n) - a) / 180 * 20)
            #expect(abs(p.serviceLevelOfAnswered - expectedSL) < 1e-12)
            #expect(abs(p.occupancy - a / Double(n)) < 1e-15)
        }
        // The textbook example: 10 Erlangs on 11 agents waits with probability 0.6821.
        let p = erlangC(Traffic(arrivalRate: 10 / 180, meanHandleTime: 180), agents: 11)
        #expect(abs(p.probabilityOfWaiting - 0.6821) < 5e-5)
    }

    @Test("Erlang C reports an overloaded queue as unstable")
    func erlangCOverload() {
        let p = erlangC(Traffic(arrivalRate: 12 / 180, meanHandleTime: 180), agents: 10)
        #expect(!p.isStable)
        #expect(p.averageSpeedOfAnswer == .infinity)
    }

    @Test("Erlang A tends to Erlang C as patience grows")
    func erlangATendsToC() {
        let c = erlangC(Traffic(arrivalRate: 9 / 180, meanHandleTime: 180), agents: 10, threshold: 30)
        let a = erlangA(
            Traffic(arrivalRate: 9 / 180, meanHandleTime: 180, meanPatience: 1e9), agents: 10, threshold: 30)
        #expect(abs(a.probabilityOfWaiting - c.probabilityOfWaiting) < 1e-5)
        #expect(abs(a.averageSpeedOfAnswer - c.averageSpeedOfAnswer) / c.averageSpeedOfAnswer < 1e-4)
        #expect(abs(a.serviceLevelOfAnswered - c.serviceLevelOfAnswered) < 1e-5)
        #expect(a.probabilityOfAbandoning < 1e-5)
    }

    @Test(
        "Erlang A obeys its conservation laws",
        arguments: [(10, 8.0, 120.0), (50, 60.0, 300.0), (100, 95.0, 180.0), (3, 5.0, 60.0)])
    func erlangAIdentities(agents: Int, load: Double, patience: Double) {
        let traffic = Traffic(arrivalRate: load / 180, meanHandleTime: 180, meanPatience: patience)
        let p = erlangA(traffic, agents: agents, threshold: 20)
        // Abandonment happens at rate θ per waiting caller: P(ab) = θ E[W].
        #expect(abs(p.probabilityOfAbandoning - p.meanWaitAll / patience) < 1e-9)
        // Carried load equals busy agents: λ (1 - P(ab)) / μ = n * occupancy.
        #expect(abs(load * (1 - p.probabilityOfAbandoning) - Double(agents) * p.occupancy) < 1e-9)
        // Service level over offered is service level over answered times the answered share.
        #expect(
            abs(p.serviceLevelOfOffered - p.serviceLevelOfAnswered * (1 - p.probabilityOfAbandoning)) < 1e-9)
        #expect(p.serviceLevelOfAnswered > 0 && p.serviceLevelOfAnswered <= 1)
    }

    @Test("Erlang A's service level agrees with direct numerical integration for one waiting position")
    func erlangASingleServerCheck() {
        // One agent, arrivals see the system by state; an arrival that finds the agent busy and nobody waiting is
        // answered at rate μ unless it abandons at rate θ: P(answered within t) = μ/(μ+θ) (1 - e^{-(μ+θ)t}).
        // With λ = 1e-9, an arrival finds a caller already waiting with probability about 8e-15, so the closed form
        // (which ignores that state) is exact to well below the 1e-13 tolerance.
        let mu = 1 / 180.0
        let theta = 1 / 60.0
        let lambda = 1e-9
        let p = erlangA(Traffic(arrivalRate: lambda, meanHandleTime: 180, meanPatience: 60), agents: 1, threshold: 30)
        let busy = p.probabilityOfWaiting
        let expectedWithin = (1 - busy) + busy * mu / (mu + theta) * (1 - exp(-(mu + theta) * 30))
        #expect(busy > 1e-7)
        #expect(abs(p.serviceLevelOfOffered - expectedWithin) < 1e-13)
    }

    @Test("Formulas stay finite for thousands of agents")
    func largeCentres() {
        let c = erlangC(Traffic(arrivalRate: 4900 / 180, meanHandleTime: 180), agents: 5000)
        #expect(c.isStable && c.probabilityOfWaiting.isFinite && c.probabilityOfWaiting > 0)
        let a = erlangA(Traffic(arrivalRate: 5200 / 180, meanHandleTime: 180, meanPatience: 200), agents: 5000)
        #expect(a.probabilityOfAbandoning.isFinite && a.probabilityOfAbandoning > 0.03)
        #expect(a.averageSpeedOfAnswer.isFinite && a.serviceLevelOfAnswered.isFinite)
    }

    @Test("Staffing returns the fewest agents meeting every target")
    func staffingIsMinimal() throws {
        let traffic = Traffic(arrivalRate: 120 / 3600, meanHandleTime: 180, meanPatience: 120)
        let goal = StaffingGoal(
            asa: 20, abandonment: 0.05, serviceLevel: ServiceLevelTarget(threshold: 20, share: 0.8))
        let answer = try #require(staff(traffic, goal: goal, shrinkage: 0.3))
        #expect(goal.isMet(by: erlangA(traffic, agents: answer.agents, threshold: 20)))
        #expect(!goal.isMet(by: erlangA(traffic, agents: answer.agents - 1, threshold: 20)))
        #expect(abs(answer.fullTimeEquivalent - Double(answer.agents) / 0.7) < 1e-12)
        // Max occupancy alone: fewest n with A/n <= 0.85 for Erlang C traffic of 17 Erlangs is 20.
        let occupancyOnly = try #require(
            staff(Traffic(arrivalRate: 17 / 180, meanHandleTime: 180), goal: StaffingGoal(maxOccupancy: 0.85)))
        #expect(occupancyOnly.agents == 20)
    }
}

@Suite("Which target decides a staffing answer")
struct StaffingDecisionTests {
    @Test("with one agent fewer, the targets missed are named with their values")
    func missedWithOneFewer() throws {
        let traffic = Traffic(arrivalRate: 120.0 / 3600, meanHandleTime: 180, meanPatience: 120)
        let goal = StaffingGoal(asa: 20, abandonment: 0.05)
        let answer = try #require(staff(traffic, goal: goal, threshold: 20))
        #expect(answer.agents == 9)
        #expect(goal.missed(by: erlangA(traffic, agents: 9, threshold: 20)) == [])
        #expect(goal.missed(by: erlangA(traffic, agents: 8, threshold: 20)) == ["abandonment 6.15% > 5%"])
        let tight = StaffingGoal(asa: 2, abandonment: 0.05)
        #expect(tight.missed(by: erlangA(traffic, agents: 9, threshold: 20)) == ["ASA 3.2 s > 2 s"])
        let erlangC = Traffic(arrivalRate: 120.0 / 3600, meanHandleTime: 180)
        #expect(
            goal.missed(by: erlangA(erlangC, agents: 6, threshold: 20)) == ["stability (the queue grows without bound)"]
        )
    }
}
