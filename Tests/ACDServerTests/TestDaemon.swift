import ACDCore
import ACDServer
import ACDStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A daemon on the test centre (Tests/ACDServerTests/Centre: examples/ivr with an external `desk` group), on a
/// manual clock starting Monday 09:00, with its database in a fresh folder, served on an ephemeral loopback port.
struct TestDaemon {
    static let centre = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "Centre").path

    let daemon: Daemon
    let clock: ManualClock
    let folder: URL
    var database: String { folder.appending(path: "calls.sqlite").path }

    init(
        scenario: String = TestDaemon.centre, token: String? = nil, at start: Double = 9 * 3600,
        eventBuffer: Int = 10_000
    ) throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "acdd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = DaemonConfiguration(scenarioPath: scenario)
        configuration.port = 0
        configuration.database = folder.appending(path: "calls.sqlite").path
        configuration.token = token
        configuration.seed = 7
        configuration.eventBuffer = eventBuffer
        clock = ManualClock(now: start)
        daemon = try Daemon(configuration: configuration, clock: clock)
    }

    /// Runs `body` against the daemon served on a loopback port; the daemon has stopped (and committed) on return.
    func run(_ body: @Sendable (Client) async throws -> Void) async throws {
        try await daemon.application().test(.live) { client in try await body(Client(client: client)) }
    }

    /// The rows of a query on the daemon's database.
    func rows(_ sql: String) throws -> [[Any?]] {
        try SQLiteDatabase(path: database).prepare(sql).rows([])
    }
}

/// Requests with JSON bodies, answers as JSON objects.
struct Client: Sendable {
    let client: any TestClientProtocol

    struct Answer: @unchecked Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }
    }

    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, headers: HTTPFields = [:]
    ) async throws
        -> Answer
    {
        try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            Answer(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }

    func post(_ uri: String, _ body: String? = nil) async throws -> Answer { try await send(.post, uri, body) }
    func get(_ uri: String) async throws -> Answer { try await send(.get, uri) }

    /// The kept events of one call, in order.
    func events(of call: Int) async throws -> [[String: Any]] {
        let text = try await get("/v1/events?follow=false").text
        return text.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8))) as? [String: Any]
        }.filter { ($0["call"] as? Int) == call }
    }

    /// A metric's value in `/metrics`, by its whole series name (`acd_x_total{queue="q"}`).
    func metric(_ series: String) async throws -> Double? {
        let text = try await get("/metrics").text
        return text.components(separatedBy: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.dropFirst(series.count + 1)) }
    }
}
