import ACDCore
import ACDServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Every class of bad request gets a 4xx with a problem+json body naming the field, and the daemon carries on.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var uri: String
        var body: String?
        var status: Int
        var code: String
        var field: String?
        var description: String { "\(method) \(uri) \(body ?? "")" }
    }

    static let cases: [Case] = [
        Case(method: .post, uri: "/v1/calls", body: #"{"entry": "main number""#, status: 400, code: "malformed-json"),
        Case(method: .post, uri: "/v1/calls", body: "[1, 2]", status: 400, code: "malformed-json"),
        Case(
            method: .post, uri: "/v1/calls", body: #"{"entry": "main number", "colour": "red"}"#, status: 422,
            code: "unknown-field", field: "colour"),
        Case(method: .post, uri: "/v1/calls", body: #"{"entry": 7}"#, status: 422, code: "wrong-type", field: "entry"),
        Case(
            method: .post, uri: "/v1/calls", body: #"{"queue": "council-tax", "priority": 12}"#, status: 422,
            code: "bad-value", field: "priority"),
        Case(
            method: .post, uri: "/v1/calls", body: #"{"queue": "council-tax", "priority": 3}"#, status: 422,
            code: "bad-value"),
        Case(
            method: .post, uri: "/v1/calls", body: #"{"entry": "nope"}"#, status: 422, code: "unknown-entry",
            field: "entry"),
        Case(
            method: .post, uri: "/v1/calls", body: #"{"entry": "main number", "intent": "parking"}"#, status: 422,
            code: "unknown-intent", field: "intent"),
        Case(method: .post, uri: "/v1/calls", body: "{}", status: 422, code: "bad-value", field: "entry"),
        Case(method: .get, uri: "/v1/calls/12345", status: 404, code: "unknown-call"),
        Case(method: .get, uri: "/v1/calls/abc", status: 404, code: "unknown-call", field: "id"),
        Case(method: .post, uri: "/v1/calls/99/input", body: #"{"digits": "1"}"#, status: 404, code: "unknown-call"),
        Case(
            method: .post, uri: "/v1/calls/0/input", body: #"{"digits": "1x"}"#, status: 422, code: "bad-value",
            field: "digits"),
        Case(method: .post, uri: "/v1/agents/bob/ready", status: 404, code: "unknown-agent"),
        Case(
            method: .post, uri: "/v1/agents/bob/login", body: #"{"group": "nobody"}"#, status: 422,
            code: "unknown-group",
            field: "group"),
        Case(
            method: .post, uri: "/v1/agents/bob/login", body: #"{"groups": ["desk", "housing"]}"#, status: 422,
            code: "bad-value", field: "groups"),
        Case(method: .get, uri: "/v1/calls?state=sleeping", status: 422, code: "bad-value", field: "state"),
        Case(method: .get, uri: "/v1/queues/nope/intervals", status: 404, code: "unknown-queue"),
        Case(
            method: .get, uri: "/v1/queues/housing/intervals?date=1999-01-01", status: 422, code: "bad-value",
            field: "date"),
        Case(method: .get, uri: "/v1/nothing-here", status: 404, code: "not-found"),
    ]

    @Test(arguments: cases) func refused(_ c: Case) async throws {
        let daemon = try TestDaemon()
        try await daemon.run { client in
            // Call 0 exists (in the IVR, not yet at the menu) for the input cases.
            try await client.post("/v1/calls", #"{"entry": "main number"}"#)
            let answer = try await client.send(c.method, c.uri, c.body)
            #expect(answer.status.code == c.status)
            #expect(answer.headers[.contentType] == "application/problem+json")
            #expect(answer.json["code"] as? String == c.code)
            #expect(answer.json["status"] as? Int == c.status)
            #expect(answer.json["field"] as? String == c.field)
            #expect((answer.json["detail"] as? String)?.isEmpty == false)
            // The daemon carries on.
            #expect(try await client.post("/v1/calls", #"{"entry": "main number"}"#).status == .created)
        }
    }

    @Test func commandsInTheWrongState() async throws {
        let daemon = try TestDaemon()
        try await daemon.run { client in
            try await client.post("/v1/agents/ann/login", #"{"group": "desk"}"#)
            let endTalk = try await client.post("/v1/agents/ann/end-talk")
            #expect(endTalk.status == .conflict)
            #expect(endTalk.json["code"] as? String == "wrong-state")
            let id = try #require(try await client.post("/v1/calls", #"{"entry": "main number"}"#).json["id"] as? Int)
            let early = try await client.post("/v1/calls/\(id)/input", #"{"digits": "1"}"#)
            #expect(early.status == .conflict)
            #expect(early.json["code"] as? String == "not-in-ivr")
            await daemon.clock.advance(by: 30)
            let phrase = try await client.post("/v1/calls/\(id)/input", #"{"phrase": "council tax"}"#)
            #expect(phrase.status == .unprocessableContent)
            #expect(phrase.json["code"] as? String == "input-not-understood")
            #expect(phrase.json["field"] as? String == "phrase")
        }
    }

    @Test func bodiesOverTheLimit() async throws {
        let daemon = try TestDaemon()
        try await daemon.run { client in
            // A refused body closes its connection (docs/api.md), so each goes on a connection of its own; the
            // daemon's first connection serves on.
            let port = try #require(client.client.port)
            for size in [70_000, 5_000_000] {
                let big = #"{"entry": ""# + String(repeating: "x", count: size) + #""}"#
                let answer = try await TestClient.withClient(host: "127.0.0.1", port: port) { own in
                    try await own.post("/v1/calls", body: ByteBuffer(string: big))
                }
                #expect(answer.status == .contentTooLarge, "\(size) bytes")
                #expect(answer.headers[.connection] == "close")
                let text = answer.body.map { String(buffer: $0) } ?? ""
                let problem = try JSONSerialization.jsonObject(with: Data(text.utf8))
                #expect((problem as? [String: Any])?["code"] as? String == "body-too-large")
            }
            #expect(try await client.get("/healthz").status == .ok)
        }
    }

    @Test func tokenRules() async throws {
        let token = "s3cret-token-for-tests"
        let daemon = try TestDaemon(token: token)
        try await daemon.run { client in
            #expect(try await client.get("/healthz").status == .ok)
            let none = try await client.get("/v1/queues")
            #expect(none.status == .unauthorized)
            #expect(none.json["code"] as? String == "unauthorized")
            let wrong = try await client.send(
                .get, "/v1/queues", headers: [.authorization: "Bearer s3cret-token-for-test"])
            #expect(wrong.status == .unauthorized)
            let right = try await client.send(.get, "/v1/queues", headers: [.authorization: "Bearer \(token)"])
            #expect(right.status == .ok)
            #expect(try await client.get("/metrics").status == .unauthorized)
            #expect(try await client.get("/v1/queues?access_token=\(token)").status == .ok)
        }
        #expect(TokenMiddleware.equal(Array("abc".utf8), Array("abc".utf8)))
        #expect(!TokenMiddleware.equal(Array("abc".utf8), Array("abd".utf8)))
        #expect(!TokenMiddleware.equal(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!TokenMiddleware.equal([], Array("a".utf8)))
    }
}
