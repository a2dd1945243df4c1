import ACDCore
import ACDStore
import Foundation
import IVRFlows
import Testing

/// The daemon's database: migrations from an older file, and recovery of calls a killed daemon left in flight.
@Suite struct StoreTests {
    static func file() -> String {
        FileManager.default.temporaryDirectory.appending(path: "acdd-store-\(UUID().uuidString).sqlite").path
    }

    @Test func aVersionOneFileIsMigrated() throws {
        let path = Self.file()
        let old = try SQLiteDatabase(path: path)
        try old.execute(Schema.migrations[0])
        try old.execute("PRAGMA user_version = 1")
        try old.execute(
            "INSERT INTO runs (started, scenario, file, seed, replications, interval_seconds, intervals, parameters) "
                + "VALUES ('2026-01-01', 'old', 'old.yaml', 1, 1, 1800, 48, '{}')")
        let model = try Scenario.load(path: TestDaemon.centre).model
        let store = try CallStore(path: path, model: model, scenario: "centre", file: "c.yaml", seed: 1)
        let db = try SQLiteDatabase(path: path)
        #expect(try db.integer("PRAGMA user_version") == Schema.migrations.count)
        #expect(store.run == 2)
        #expect(
            try db.prepare("SELECT mode FROM runs ORDER BY id").rows([]).map { $0[0] as? String } == [
                "simulate", "live",
            ])
        #expect(try db.integer("SELECT count(*) FROM open_calls") == 0)
        // Opening again changes nothing and starts another run.
        _ = try CallStore(path: path, model: model, scenario: "centre", file: "c.yaml", seed: 1)
        #expect(try db.integer("SELECT count(*) FROM runs") == 3)
    }

    @Test func aNewerFileIsRefused() throws {
        let path = Self.file()
        try SQLiteDatabase(path: path).execute("PRAGMA user_version = 99")
        let model = try Scenario.load(path: TestDaemon.centre).model
        #expect(throws: SQLiteDatabase.StoreError.self) {
            _ = try CallStore(path: path, model: model, scenario: "centre", file: "c.yaml", seed: 1)
        }
    }

    @Test func callsLeftInFlightAreRecordedAsLost() throws {
        let path = Self.file()
        let model = try Scenario.load(path: TestDaemon.centre).model
        let first = try CallStore(path: path, model: model, scenario: "centre", file: "c.yaml", seed: 1)
        var batch = CallStore.Batch()
        batch.arrivals = (0..<3).map {
            CallStore.Arrival(
                call: CallID(rawValue: UInt64($0)), entry: "main number", queue: nil, time: 100 + Double($0))
        }
        batch.time = 150
        try first.commit(batch)
        var second = CallStore.Batch()
        second.records = [
            CallRecord(
                id: CallID(rawValue: 1), serial: 1, entry: EntryID(0), intent: 0, path: [], queue: nil, firstQueue: nil,
                agent: nil, arrival: 101, ivrExit: 120, queueEntry: nil, endOfWait: 120, talkEnd: nil, wrapUpEnd: nil,
                outcome: .deflected, attempt: 0)
        ]
        second.time = 200
        try first.commit(second)
        // The daemon dies here: calls 0 and 2 are still open.
        let restarted = try CallStore(path: path, model: model, scenario: "centre", file: "c.yaml", seed: 1)
        #expect(restarted.recovered == [CallStore.Recovery(run: 1, calls: 2)])
        let rows = try SQLiteDatabase(path: path).prepare(
            "SELECT call_id, outcome, arrival, end_of_wait, entry FROM calls ORDER BY call_id"
        ).rows([])
        #expect(rows.map { $0[0] as? Int } == [0, 1, 2])
        #expect(rows.map { $0[1] as? String } == ["lost", "deflected", "lost"])
        #expect(rows.map { $0[3] as? Double } == [200, 120, 200])
        #expect(rows[0][4] as? String == "main number")
        #expect(try SQLiteDatabase(path: path).integer("SELECT count(*) FROM open_calls") == 0)
    }
}
