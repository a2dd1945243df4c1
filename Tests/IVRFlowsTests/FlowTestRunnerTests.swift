import Foundation
import IVRFlows
import Testing

@Suite("Scripted test calls")
struct FlowTestRunnerTests {
    static let set = try! FlowSet.load(path: repositoryRoot.appendingPathComponent("examples/ivr").path)

    @Test("the example's scripted calls all pass")
    func examplePasses() throws {
        let runner = FlowTestRunner(flows: Self.set.byName, calendars: Self.set.calendars)
        let main = try #require(Self.set.byName["main"])
        #expect(main.tests.count >= 8)
        for test in main.tests {
            let result = runner.run(test, in: main)
            #expect(result.failure == nil, "\(test.name): \(result.failure ?? "")")
        }
    }

    @Test("a call that goes another way fails at the first differing step, with the path it took")
    func mismatch() throws {
        let main = try #require(Self.set.byName["main"])
        var test = try #require(main.tests.first)
        test.inputs = ["3", "council-tax"]  // speech recognises council tax
        test.path = ["welcome", "opening-hours", "main-menu", "housing-speech", "housing"]
        test.outcome = "queued housing"
        let result = FlowTestRunner(flows: Self.set.byName, calendars: Self.set.calendars).run(test, in: main)
        #expect(result.failure == "step 5: expected 'housing', took 'council-tax'")
        #expect(result.outcome == "queued council-tax")
    }

    @Test("outcome, leftover inputs and opening hours are checked")
    func otherFailures() throws {
        let main = try #require(Self.set.byName["main"])
        let runner = FlowTestRunner(flows: Self.set.byName, calendars: Self.set.calendars)
        var test = try #require(main.tests.first)
        test.outcome = "self-served"
        #expect(runner.run(test, in: main).failure == "expected the outcome 'self-served', got 'queued council-tax'")
        test = main.tests[0]
        test.inputs = ["1", "9"]
        #expect(runner.run(test, in: main).failure == "1 input(s) left unused: 9")
        test = main.tests[0]
        test.weekday = 6  // Sunday: closed
        #expect(runner.run(test, in: main).failure == "step 3: expected 'main-menu', took 'closed'")
    }
}
