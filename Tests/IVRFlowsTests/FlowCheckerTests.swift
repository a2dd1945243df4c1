import Foundation
import IVRFlows
import Testing

/// The corpus of broken flows in `Flows/`: a file whose last line says `# expect: LINE:COLUMN: SEVERITY: ...`, or a
/// folder (scenario and flows) whose `expect.txt` names the problem. The checker must report exactly that problem,
/// among whatever else it finds, and never crash.
@Suite("Flow checker")
struct FlowCheckerTests {
    static let folder = testsFolder.appendingPathComponent("Flows")

    static let files: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    static let folders: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent("\($0)/expect.txt").path) }
            .sorted()
    }()

    @Test("the corpus has a case for every rule")
    func corpusSize() {
        #expect(Self.files.count >= 20)
        #expect(Self.folders.count >= 7)
    }

    @Test("each broken flow file gives its expected problem", arguments: files)
    func brokenFile(name: String) throws {
        let path = Self.folder.appendingPathComponent(name).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expected = String(try #require(text.split(separator: "\n").last { $0.hasPrefix("# expect: ") }).dropFirst(10))
        let problems = FlowChecker.check(path: path).map { String($0.description.dropFirst(path.count + 1)) }
        #expect(problems.contains(expected), "\(name): got \(problems)")
    }

    @Test("each broken flow set gives its expected problem", arguments: folders)
    func brokenSet(name: String) throws {
        let path = Self.folder.appendingPathComponent(name).path + "/"
        let expected = try String(contentsOfFile: path + "expect.txt", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let problems = FlowChecker.check(path: path).map { $0.description.replacingOccurrences(of: path, with: "") }
        #expect(problems.contains(expected), "\(name): got \(problems)")
    }

    @Test("a good flow set has no problems at all")
    func goodSet() {
        #expect(FlowChecker.check(path: repositoryRoot.appendingPathComponent("examples/ivr").path).isEmpty)
    }

    @Test("a 10 MB flow file is checked, and its one mistake found, without a crash")
    func hugeFile() throws {
        var text = "flow: big\ntimezone: UTC\nstart: n0\nnodes:\n"
        var n = 0
        while text.utf8.count < 10_000_000 {
            text += "  n\(n): { play: \"Please continue to hold, your call is important to us.\", next: n\(n + 1) }\n"
            n += 1
        }
        text += "  n\(n): { play: \"Last.\", next: nowhere }\n"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let problems = FlowChecker.check(path: path)
        #expect(problems.contains { $0.location.message.hasPrefix("unknown node 'nowhere'") && $0.location.line == n + 5 })
    }

    @Test("deep nesting is refused with a located error")
    func deepNesting() throws {
        let text = "flow: deep\ntimezone: UTC\nstart: a\nnodes: " + String(repeating: "[", count: 5000)
            + String(repeating: "]", count: 5000) + "\n"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("deep-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let problems = FlowChecker.check(path: path)
        #expect(problems.count == 1)
        #expect(problems.first?.location.line == 4)
        #expect(problems.first?.location.message.hasPrefix("not valid YAML") == true)
    }
}
