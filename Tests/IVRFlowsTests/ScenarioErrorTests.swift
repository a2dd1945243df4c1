import ACDCore
import ACDReports
import Foundation
import IVRFlows
import Testing

let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let repositoryRoot = testsFolder.deletingLastPathComponent().deletingLastPathComponent()

/// Writes `files` (paths relative to a fresh temporary folder, `flows/main.yaml` say) and returns the folder's path.
func scenarioFolder(_ files: [String: String]) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scenario-\(UUID().uuidString)")
    for (name, text) in files {
        let file = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
    }
    return dir.path
}

/// Every file in `Scenarios/` is a broken scenario whose last line says what the error must be:
/// `# expect: LINE:COLUMN FIELD: MESSAGE-START`.
@Suite("Broken scenario files")
struct ScenarioErrorTests {
    static let corpus: [String] = {
        let folder = testsFolder.appendingPathComponent("Scenarios")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    @Test("the corpus covers the checks")
    func corpusIsThere() {
        #expect(Self.corpus.count >= 20)
    }

    @Test("each gives its error with file, line, column and field", arguments: corpus)
    func brokenFile(name: String) throws {
        let path = testsFolder.appendingPathComponent("Scenarios").appendingPathComponent(name).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expectLine = try #require(text.split(separator: "\n").last { $0.hasPrefix("# expect: ") })
        let expected = String(expectLine.dropFirst("# expect: ".count))
        let error = try #require(throws: InputError.self) { try Scenario.load(path: path) }
        // The description is "path:line:column: field: message"; the expectation omits the path.
        #expect(error.file == path)
        let located = String(error.description.dropFirst(path.count + 1))
        let position = "\(error.line):\(error.column)"
        let rest = located.dropFirst(position.count + 2)
        #expect("\(position) \(rest)".hasPrefix(expected), "\(name): got \(error.description)")
        #expect(error.line >= 1)
    }

    @Test("a missing file is an input error, not a crash")
    func missingFile() {
        let error = #expect(throws: InputError.self) { try Scenario.load(path: "/nonexistent/scenario.yaml") }
        #expect(error?.description == "/nonexistent/scenario.yaml: cannot read the file")
    }
}

@Suite("Scenario files")
struct ScenarioTests {
    @Test("the bundled examples load and simulate", arguments: ["single-queue.yaml", "two-skills.yaml"])
    func examples(name: String) throws {
        let path = repositoryRoot.appendingPathComponent("examples").appendingPathComponent(name).path
        let scenario = try Scenario.load(path: path)
        #expect(scenario.warnings.isEmpty)
        let summary = ReplicationRunner(model: scenario.model, seed: scenario.seed, threads: 2).summarize(
            replications: 2)
        #expect(summary.total.offered.mean > 100)
    }

    @Test("a single-queue M/M/n+M model takes a dozen lines")
    func dozenLines() throws {
        let text = """
            interval: 30m
            period: { duration: 8h }
            queues:
              - name: q
                arrivals: 120/h
                handle_time: { exponential: 3m }
                patience: { exponential: 2m }
                targets: { asa: 30s, abandonment: 5% }
            groups:
              - name: g
                skills: [q]
                agents: 7
            """
        let scenario = try Scenario.parse(text)
        let model = scenario.model
        #expect(model.intervalCount == 16)
        #expect(model.queues[0].volumes == Array(repeating: 60, count: 16))
        #expect(model.queues[0].handleTime == .exponential(mean: 180))
        #expect(model.queues[0].patience == .exponential(mean: 120))
        #expect(model.queues[0].targets.abandonment == 0.05)
        #expect(model.groups[0].rota.headcount == Array(repeating: 7, count: 16))
    }

    @Test("queue capacities and external agents are read into the model")
    func liveForms() throws {
        let text = """
            interval: 30m
            period: { duration: 8h }
            queues:
              - { name: a, arrivals: 10/h, handle_time: { exponential: 3m }, capacity: 25 }
              - { name: b, arrivals: 10/h, handle_time: { exponential: 3m }, capacity: unlimited }
              - { name: c, arrivals: 10/h, handle_time: { exponential: 3m } }
            groups:
              - { name: desk, skills: [a, b, c], agents: external }
              - { name: team, skills: [c], agents: 2 }
            """
        let scenario = try Scenario.parse(text)
        let model = scenario.model
        #expect(model.queues.map(\.capacity) == [25, Int.max, Queue.defaultCapacity])
        #expect(model.groups.map(\.external) == [true, false])
        #expect(model.groups[0].rota.peak == 0 && model.groups[1].rota.peak == 2)
        #expect(scenario.warnings.isEmpty)  // external agents answer a and b: no "nobody on shift" warning
    }

    @Test("weekly shapes, shifts across midnight and overflow tiers become the engine's model")
    func richForms() throws {
        let text = """
            interval: 1h
            period: { start: 2020-03-23, days: 2 }
            queues:
              - name: covid
                arrivals:
                  daily: { mon: 240, tue: 480 }
                  shape: [0,0,0,0,0,0,0,0,1,1,1,1,1,1,1,1,1,1,1,1,0,0,0,0]
                handle_time: { erlang: { k: 2, mean: 5m } }
                overflow: [{ group: night, after: 90s, level: 2 }]
            groups:
              - name: day
                skills: [covid]
                agents:
                  shifts:
                    - { days: mon-fri, from: "08:00", to: "20:00", agents: 6 }
              - name: night
                skills: []
                agents:
                  shifts:
                    - { days: all, from: "22:00", to: "06:00", agents: 2 }
            """
        let scenario = try Scenario.parse(text)
        #expect(scenario.startWeekday == 0)  // 23 March 2020 was a Monday
        let volumes = scenario.model.queues[0].volumes
        #expect(volumes[8] == 20 && volumes[24 + 8] == 40 && volumes[7] == 0)
        let day = scenario.model.groups[0].rota.headcount
        #expect(day[7] == 0 && day[8] == 6 && day[19] == 6 && day[20] == 0)
        let night = scenario.model.groups[1].rota.headcount
        #expect(night[0] == 0 && night[22] == 2 && night[23] == 2 && night[24] == 2 && night[29] == 2 && night[30] == 0)
        #expect(scenario.model.groups[1].skills == [Skill(queue: 0, level: 2, delay: 90)])
        #expect(scenario.intervalLabel(8) == "2020-03-23 Mon 08:00")
    }

    @Test("calls with nobody on shift are flagged as a warning")
    func unstaffedWarning() throws {
        let text = """
            interval: 1h
            period: { days: 1 }
            queues:
              - name: q
                arrivals: 10/h
                handle_time: { exponential: 3m }
                patience: { exponential: 2m }
            groups:
              - name: g
                skills: [q]
                agents:
                  shifts: [{ from: "09:00", to: "17:00", agents: 3 }]
            """
        let scenario = try Scenario.parse(text, file: "day.yaml")
        #expect(scenario.warnings.count == 1)
        #expect(
            scenario.warnings.first?.description.hasPrefix("day.yaml:4:11: queues[0].name: calls arrive in 16") == true)
    }
}

@Suite("Published figures")
struct PublishedFiguresTests {
    @Test("published figures are read and shown beside the simulated ones, and never change the run")
    func shown() throws {
        let path = repositoryRoot.appendingPathComponent("flows/leeds/scenario.yaml").path
        let year = try Scenario.load(path: path)
        #expect(year.model.queues[0].published == PublishedFigures(label: "2019-20", asa: 188, abandonment: 0.09))
        // Two weeks of the year (a window drops the year's figures; they are put back) show they stay out of the run.
        var scenario = year.window(days: 140...153)
        scenario.published = year.published
        for q in scenario.model.queues.indices { scenario.model.queues[q].published = year.model.queues[q].published }
        var without = scenario.model
        for q in without.queues.indices { without.queues[q].published = nil }
        let a = ReplicationRunner(model: scenario.model, seed: 1, threads: 2).summarize(replications: 2)
        let b = ReplicationRunner(model: without, seed: 1, threads: 2).summarize(replications: 2)
        #expect(a.queues.map(\.estimates) == b.queues.map(\.estimates))
        let report = SimulationReport(scenario: scenario, summary: a, seed: 1)
        #expect(!report.table().contains("Against published figures"))
        #expect(report.table().contains("Published 2019-20"))
        let table = report.table(detail: [.queues])
        #expect(table.contains("Against published figures (2019-20):"))
        #expect(table.contains("Published ASA s"))
        let bad = #expect(throws: InputError.self) {
            try Scenario.load(path: path, overrides: [ScenarioOverride("queues[Housing].published.asa=soon")])
        }
        #expect(bad?.field == "queues[2].published.asa")
    }
}
