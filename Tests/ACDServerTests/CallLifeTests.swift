import ACDCore
import ACDServer
import Foundation
import HTTPTypes
import Testing

/// A call's whole life over HTTP on a live loopback server: each test checks the answers, the event stream, the
/// metrics, and the record in SQLite with its times (exact: the clock is manual).
@Suite struct CallLifeTests {
    @Test func answeredByAnExternalAgent() async throws {
        let daemon = try TestDaemon()
        try await daemon.run { client in
            let placed = try await client.post("/v1/calls", #"{"entry": "main number", "intent": "council-tax"}"#)
            #expect(placed.status == .created)
            #expect(placed.json["state"] as? String == "ivr")
            let id = try #require(placed.json["id"] as? Int)
            #expect(placed.headers[.location] == "/v1/calls/\(id)")
            await daemon.clock.advance(by: 30)
            let atMenu = try await client.get("/v1/calls/\(id)").json
            #expect(atMenu["node"] as? String == "main/main-menu")
            #expect(atMenu["awaitingInput"] as? Bool == true)
            let queued = try await client.post("/v1/calls/\(id)/input", #"{"digits": "1"}"#).json
            #expect(queued["state"] as? String == "waiting")
            #expect(queued["queue"] as? String == "council-tax")
            #expect(try await client.metric(#"acd_queue_calls_waiting{queue="council-tax"}"#) == 1)

            let login = try await client.post("/v1/agents/ann/login", #"{"groups": ["desk"]}"#).json
            #expect(login["state"] as? String == "not-ready")
            let ready = try await client.post("/v1/agents/ann/ready").json
            #expect(ready["state"] as? String == "talking")
            #expect(ready["call"] as? Int == id)
            let talking = try await client.get("/v1/calls/\(id)").json
            #expect(talking["state"] as? String == "talking")
            #expect(talking["agent"] as? String == "ann")
            await daemon.clock.advance(by: 120)
            #expect(try await client.post("/v1/agents/ann/end-talk").json["state"] as? String == "wrap-up")
            await daemon.clock.advance(by: 30)
            #expect(try await client.post("/v1/agents/ann/end-wrap-up").json["state"] as? String == "ready")

            let types = try await client.events(of: id).map { $0["type"] as? String }
            #expect(types == ["call.arrived", "call.playing", "call.prompted", "call.queued", "call.answered", "call.ended"])
            // The prompt: where the caller waits, what it takes, and as which type (the main menu, after the
            // 4.125 s welcome).
            let prompt = try #require(
                try await client.events(of: id).first { $0["type"] as? String == "call.prompted" })
            #expect(prompt["step"] as? String == "main/main-menu")
            #expect(prompt["expects"] as? String == "keys")
            #expect(prompt["time"] as? Double == 32404.125)
            #expect((prompt["intent"] as? String).map(daemon.daemon.engine.model.intents.contains) == true)
            let ids = try await client.events(of: id).compactMap { $0["id"] as? Int }
            #expect(ids == ids.sorted() && Set(ids).count == ids.count)
            #expect(try await client.metric(#"acd_queue_calls_answered_total{queue="council-tax"}"#) == 1)
            #expect(try await client.metric(#"acd_queue_calls_offered_total{queue="council-tax"}"#) == 1)
            #expect(try await client.metric(#"acd_agents{group="desk",state="ready"}"#) == 1)
            #expect(try await client.metric(#"acd_queue_handle_seconds_count{queue="council-tax"}"#) == 1)
        }
        let rows = try daemon.rows(
            "SELECT outcome, agent, arrival, ivr_exit, queue_entry, end_of_wait, talk_end, wrap_up_end, queue, entry, "
                + "intent FROM calls")
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row[0] as? String == "answered")
        #expect(row[1] as? String == "ann")
        #expect(row[2..<8].map { $0 as? Double } == [32400, 32430, 32430, 32430, 32550, 32580])
        #expect(row[8] as? String == "council-tax")
        #expect(row[9] as? String == "main number")
        #expect(row[10] as? String == "council-tax")
        #expect(try daemon.rows("SELECT count(*) FROM open_calls").first?.first as? Int == 0)
        #expect(try daemon.rows("SELECT mode FROM runs").first?.first as? String == "live")
        // The interval the call came in (Monday 09:00, day 0, interval 18 of 30 minutes) was written at the end.
        let interval = try daemon.rows(
            "SELECT offered, answered, abandoned, wait_answered, talk FROM interval_stats "
                + "WHERE day = 0 AND interval = 18 AND queue = 'council-tax'")
        #expect(interval.first?.compactMap { $0 as? Int } == [1, 1, 0])
        #expect(interval.first?[3] as? Double == 0)
        #expect(interval.first?[4] as? Double == 120)
        #expect(try daemon.rows("PRAGMA integrity_check").first?.first as? String == "ok")
    }

    /// What the agent page shows of a call, from `GET /v1/calls/{id}`: entry, caller type, IVR path and the wait,
    /// exact on the manual clock; after the talk the call is `ended` with no outcome until the wrap-up ends.
    @Test func callSummaryForTheAgentPage() async throws {
        let daemon = try TestDaemon()
        try await daemon.run { client in
            let page = try await client.get("/agent")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"const groups = ["desk","housing"];"#))
            let id = try #require(
                try await client.post("/v1/calls", #"{"entry": "main number", "intent": "council-tax"}"#)
                    .json["id"] as? Int)
            await daemon.clock.advance(by: 30)
            _ = try await client.post("/v1/calls/\(id)/input", #"{"digits": "1"}"#)
            await daemon.clock.advance(by: 45)
            let waiting = try await client.get("/v1/calls/\(id)").json
            #expect(waiting["state"] as? String == "waiting")
            #expect(waiting["entry"] as? String == "main number")
            #expect(waiting["intent"] as? String == "council-tax")
            #expect(waiting["path"] as? [String] == ["main/welcome", "main/main-menu"])
            #expect(waiting["waited"] as? Double == 45)
            _ = try await client.post("/v1/agents/ann/login", #"{"group": "desk"}"#)
            _ = try await client.post("/v1/agents/ann/ready")
            await daemon.clock.advance(by: 60)
            #expect(try await client.get("/v1/calls/\(id)").json["waited"] as? Double == 45)
            _ = try await client.post("/v1/agents/ann/end-talk")
            let inWrapUp = try await client.get("/v1/calls/\(id)")
            #expect(inWrapUp.status == .ok)
            #expect(inWrapUp.json["state"] as? String == "ended")
            #expect(inWrapUp.json["outcome"] == nil)
            #expect(inWrapUp.json["agent"] as? String == "ann")
            #expect(inWrapUp.json["waited"] as? Double == 45)
            await daemon.clock.advance(by: 10)
            _ = try await client.post("/v1/agents/ann/end-wrap-up")
            let ended = try await client.get("/v1/calls/\(id)").json
            #expect(ended["outcome"] as? String == "answered")
            #expect(ended["entry"] as? String == "main number")
            #expect(ended["waited"] as? Double == 45)
            #expect(try await client.get("/v1/calls/\(id + 1)").status == .notFound)
        }
    }

    @Test func abandonedInTheQueue() async throws {
        let daemon = try TestDaemon()
        try await daemon.run { client in
            let id = try #require(try await client.post("/v1/calls", #"{"entry": "main number"}"#).json["id"] as? Int)
            await daemon.clock.advance(by: 30)
            #expect(
                try await client.post("/v1/calls/\(id)/input", #"{"digits": "1"}"#).json["state"] as? String
                    == "waiting")
            await daemon.clock.advance(by: 95)
            let ended = try await client.post("/v1/calls/\(id)/hangup").json
            #expect(ended["state"] as? String == "ended")
            #expect(ended["outcome"] as? String == "abandoned")
            let types = try await client.events(of: id).map { $0["type"] as? String }
            #expect(types == ["call.arrived", "call.playing", "call.prompted", "call.queued", "call.ended"])
            #expect(try await client.metric(#"acd_queue_calls_abandoned_total{queue="council-tax"}"#) == 1)
            #expect(try await client.metric(#"acd_queue_wait_seconds_sum{queue="council-tax"}"#) == 95)
        }
        let row = try #require(try daemon.rows("SELECT outcome, queue_entry, end_of_wait, talk_end FROM calls").first)
        #expect(row[0] as? String == "abandoned")
        #expect(row[1] as? Double == 32430)
        #expect(row[2] as? Double == 32525)
        #expect(row[3] == nil)
    }

    @Test func deflectedBySignposting() async throws {
        let daemon = try TestDaemon()
        try await daemon.run { client in
            let id = try #require(try await client.post("/v1/calls", #"{"entry": "main number"}"#).json["id"] as? Int)
            await daemon.clock.advance(by: 30)
            let signpost = try await client.post("/v1/calls/\(id)/input", #"{"digits": "4"}"#).json
            #expect(signpost["node"] as? String == "main/bins-online")
            await daemon.clock.advance(by: 30)
            let ended = try await client.post("/v1/calls/\(id)/input", #"{"phrase": "satisfied"}"#).json
            #expect(ended["state"] as? String == "ended")
            #expect(try await client.get("/v1/calls/\(id)").json["outcome"] as? String == "deflected")
            let types = try await client.events(of: id).map { $0["type"] as? String }
            #expect(types == ["call.arrived", "call.playing", "call.prompted", "call.prompted", "call.ended"])
            let steps = try await client.events(of: id).compactMap { $0["step"] as? String }
            // the greeting plays (call.playing), then the menu and the signpost wait for input (call.prompted)
            #expect(steps == ["main/welcome", "main/main-menu", "main/bins-online"])
            #expect(try await client.metric(#"acd_entry_calls_deflected_total{entry="main number"}"#) == 1)
            let queues = try await client.get("/v1/queues").json
            let entry = try #require((queues["entries"] as? [[String: Any]])?.first)
            #expect(entry["deflected"] as? Int == 1)
            #expect(entry["deflection"] as? Double == 1)
        }
        let row = try #require(try daemon.rows("SELECT outcome, queue, ivr_exit, ivr_path FROM calls").first)
        #expect(row[0] as? String == "deflected")
        #expect(row[1] == nil)
        #expect(row[2] as? Double == 32460)
        let path = try daemon.rows("SELECT path FROM ivr_paths").first?.first as? String
        #expect(path == "main/welcome > main/opening-hours > main/main-menu > main/bins-online")
    }

    @Test func closedLine() async throws {
        let saturday = 5 * 86400 + 10 * 3600.0
        let daemon = try TestDaemon(at: saturday)
        try await daemon.run { client in
            let id = try #require(try await client.post("/v1/calls", #"{"entry": "main number"}"#).json["id"] as? Int)
            await daemon.clock.advance(by: 120)
            let ended = try await client.get("/v1/calls/\(id)").json
            #expect(ended["state"] as? String == "ended")
            #expect(ended["outcome"] as? String == "closed")
            #expect(try await client.metric(#"acd_entry_calls_closed_total{entry="main number"}"#) == 1)
            let types = try await client.events(of: id).map { $0["type"] as? String }
            // the greeting, then the closed message, each a call.playing
            #expect(types == ["call.arrived", "call.playing", "call.playing", "call.ended"])
        }
        let row = try #require(try daemon.rows("SELECT outcome, arrival, queue FROM calls").first)
        #expect(row[0] as? String == "closed")
        #expect(row[1] as? Double == saturday)
        #expect(row[2] == nil)
    }

    @Test func callsInFlightAtShutdownAreRecorded() async throws {
        let daemon = try TestDaemon()
        try await daemon.run { client in
            try await client.post("/v1/calls", #"{"queue": "council-tax"}"#)
            try await client.post("/v1/calls", #"{"entry": "main number"}"#)
            let waiting = try await client.get("/v1/calls?state=waiting").json["calls"] as? [[String: Any]]
            #expect(waiting?.count == 1)
        }
        let outcomes = try daemon.rows("SELECT outcome FROM calls ORDER BY serial").map { $0[0] as? String }
        #expect(outcomes == ["shutdown", "shutdown"])
    }
}
