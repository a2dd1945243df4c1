import ACDCore
import ACDStore
import CSQLite
import Foundation
import IVRFlows
import Testing

@Suite("Run database")
struct RunStoreTests {
    func query(_ path: String, _ sql: String) -> [[String]] {
        var db: OpaquePointer?
        sqlite3_open(path, &db)
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        var rows: [[String]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append((0..<sqlite3_column_count(statement)).map { i in
                sqlite3_column_text(statement, i).map { String(cString: $0) } ?? "NULL"
            })
        }
        return rows
    }

    static let scenario = try! Scenario.load(path: repositoryRoot.appendingPathComponent("examples/two-skills.yaml").path)
    static let summary = ReplicationRunner(model: scenario.model, seed: 3, threads: 2).summarize(replications: 3)

    @Test("with records, every call of replication 0 is stored once, with its times and outcome")
    func callRecords() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("calls-\(UUID()).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = Self.scenario.model
        var engine = Engine(model: model, seed: 3, replication: 0)
        engine.recordsCalls = true
        engine.runToCompletion()
        let expected = engine.drainRecords()
        try RunStore(path: path).store(
            scenario: Self.scenario, summary: Self.summary, seed: 3, parameters: [:],
            records: { write in try write(expected) })
        #expect(query(path, "SELECT count(*), count(DISTINCT call_id) FROM calls WHERE run_id = 1")
            == [["\(expected.count)", "\(expected.count)"]])
        let answered = expected.filter { $0.outcome == .answered }
        #expect(query(path, "SELECT count(*) FROM calls WHERE outcome = 'answered' AND wrap_up_end >= talk_end")
            == [["\(answered.count)"]])
        let first = try #require(expected.min { $0.serial < $1.serial })
        let row = query(path, "SELECT queue, arrival, end_of_wait FROM calls WHERE serial = \(first.serial)")
        #expect(row.count == 1 && row[0][0] == model.queues[first.queue!.index].name)
        // Read back as text: SQLite prints 15 significant digits.
        #expect(abs((Double(row[0][1]) ?? -1) - first.arrival) < 1e-6)
        #expect(abs((Double(row[0][2]) ?? -1) - first.endOfWait) < 1e-6)
    }

    @Test("a run and its per-queue, per-interval and per-group results are stored and read back")
    func roundTrip() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("runs-\(UUID()).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try RunStore(path: path)
        let first = try store.store(scenario: Self.scenario, summary: Self.summary, seed: 3, parameters: ["note": "a"])
        let second = try store.store(scenario: Self.scenario, summary: Self.summary, seed: 3, parameters: ["note": "b"])
        #expect(first == 1 && second == 2)
        #expect(query(path, "SELECT seed, replications, parameters FROM runs WHERE id = 2") == [["3", "3", #"{"note":"b"}"#]])
        let asa = try #require(Double(query(path, "SELECT mean FROM queue_results WHERE run_id = 1 AND queue = 'council-tax' AND metric = 'asa'")[0][0]))
        #expect(abs(asa - Self.summary.queues[0].asa.mean) < 1e-9)
        let intervals = Self.scenario.model.intervalCount
        let perInterval = QueueMetric.allCases.filter(\.isPerInterval).count
        #expect(query(path, "SELECT COUNT(*) FROM interval_results WHERE run_id = 1") == [["\(2 * intervals * perInterval)"]])
        #expect(query(path, "SELECT COUNT(*) FROM group_results WHERE run_id = 1") == [["\(3 * (intervals + 1))"]])
    }

    @Test("a run that fails part-way leaves nothing behind")
    func rollback() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID()).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var db: OpaquePointer?
        sqlite3_open(path, &db)
        sqlite3_exec(db, "CREATE TABLE queue_results (only_one_column TEXT)", nil, nil, nil)  // inserts will fail
        sqlite3_close(db)
        let store = try RunStore(path: path)
        #expect(throws: RunStore.StoreError.self) {
            try store.store(scenario: Self.scenario, summary: Self.summary, seed: 3, parameters: [:])
        }
        #expect(query(path, "SELECT COUNT(*) FROM runs") == [["0"]])
    }

    @Test("a file that is not a database is a clear error")
    func notADatabase() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("text-\(UUID()).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(String(repeating: "not sqlite ", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: RunStore.StoreError.self) { try RunStore(path: path) }
        #expect(error?.message.hasPrefix(path) == true)
    }
}
