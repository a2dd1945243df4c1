import ACDCore
import Foundation
import HTTPTypes
import Testing

/// `POST /v1/reload`: a broken flow is refused with the checker's located errors and the old flows keep serving; a
/// good change takes new calls, while a call in progress finishes on the flow it started on.
@Suite struct ReloadTests {
    /// A copy of the test centre that the test may edit.
    static func copy() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "acdd-reload-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: URL(filePath: TestDaemon.centre), to: folder)
        return folder
    }

    @Test func badFlowRefusedOldOneServes() async throws {
        let folder = try Self.copy()
        let flow = folder.appending(path: "flows/main.yaml")
        let daemon = try TestDaemon(scenario: folder.path)
        try await daemon.run { client in
            let good = try String(contentsOf: flow, encoding: .utf8)
            try good.replacingOccurrences(of: "    next: opening-hours", with: "    next: opening-hourz")
                .write(to: flow, atomically: true, encoding: .utf8)
            let refused = try await client.post("/v1/reload")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.json["code"] as? String == "reload-refused")
            let checks = try #require(refused.json["checks"] as? [[String: Any]])
            let typo = try #require(checks.first { ($0["message"] as? String)?.contains("opening-hourz") == true })
            #expect((typo["file"] as? String)?.hasSuffix("flows/main.yaml") == true)
            #expect(typo["line"] as? Int == 11)
            #expect(typo["field"] as? String == "nodes.welcome.next")
            // The old flows still serve.
            let id = try #require(try await client.post("/v1/calls", #"{"entry": "main number"}"#).json["id"] as? Int)
            await daemon.clock.advance(by: 30)
            #expect(try await client.get("/v1/calls/\(id)").json["node"] as? String == "main/main-menu")
            #expect(try await client.get("/v1/flows").json["reloads"] as? Int == 0)
        }
    }

    @Test func goodChangeTakesNewCallsOnly() async throws {
        let folder = try Self.copy()
        let flow = folder.appending(path: "flows/main.yaml")
        let daemon = try TestDaemon(scenario: folder.path)
        try await daemon.run { client in
            let old = try #require(try await client.post("/v1/calls", #"{"entry": "main number"}"#).json["id"] as? Int)
            await daemon.clock.advance(by: 30)
            // Key 1 now leads to the payment line instead of the council tax queue.
            let text = try String(contentsOf: flow, encoding: .utf8)
            try text.replacingOccurrences(
                of: #""1": { intents: [council-tax], next: council-tax }"#,
                with: #""1": { intents: [council-tax], next: pay }"#
            ).write(to: flow, atomically: true, encoding: .utf8)
            let reloaded = try await client.post("/v1/reload")
            #expect(reloaded.status == .ok)
            #expect(reloaded.json["applied"] as? Bool == true)
            let new = try #require(try await client.post("/v1/calls", #"{"entry": "main number"}"#).json["id"] as? Int)
            await daemon.clock.advance(by: 30)
            let oldCall = try await client.post("/v1/calls/\(old)/input", #"{"digits": "1"}"#).json
            #expect(oldCall["state"] as? String == "waiting")
            #expect(oldCall["queue"] as? String == "council-tax")
            let newCall = try await client.post("/v1/calls/\(new)/input", #"{"digits": "1"}"#).json
            #expect(newCall["node"] as? String == "main/pay")
            #expect(try await client.get("/v1/flows").json["reloads"] as? Int == 1)
        }
    }
}
