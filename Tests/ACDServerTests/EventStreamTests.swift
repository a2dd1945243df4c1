import ACDCore
import ACDServer
import Foundation
import HummingbirdTesting
import LoadGen
import Synchronization
import Testing

/// callgen's follower of the daemon's event stream. The daemon cuts off a client that falls its event buffer behind;
/// the follower must then resume from the last event it saw, or fail loudly, never end as if all was well (callgen's
/// callers would go undriven with nothing said).
@Suite struct EventStreamTests {
    /// The frames parser: events in order, keep-alives skipped, a partial frame left for later, the gap comment seen.
    @Test func framesAreParsed() {
        let event = #"{"id":3,"time":1,"type":"call.arrived","call":5}"#
        var buffer = Array("retry: 1000\n\n: keep-alive\n\nid: 3\nevent: call.arrived\ndata: \(event)\n\nid: 4\n".utf8)
        let frames = EventStream.frames(in: &buffer)
        #expect(frames.events.map(\.id) == [3])
        #expect(!frames.gap)
        #expect(String(decoding: buffer, as: UTF8.self) == "id: 4\n")
        var dropped = Array("\(EventStream.droppedComment)\n\n".utf8)
        #expect(EventStream.frames(in: &dropped) == .init(events: [], gap: true))
    }

    /// The ids of the events 60 calls placed at once and half an hour of the test centre make, in one batch of the engine (the
    /// clock moves once), and the ids before the batch.
    private static func reference() async throws -> (before: Int, all: [Int]) {
        let daemon = try TestDaemon()
        let ids = Box((before: 0, all: [Int]()))
        try await daemon.run { client in
            for _ in 0..<60 { try await client.post("/v1/calls", #"{"entry": "main number"}"#) }
            let before = try await Self.ids(client).count
            await daemon.clock.advance(to: 9.5 * 3600)
            let all = try await Self.ids(client)
            ids.value.withLock { $0 = (before, all) }
        }
        return ids.value.withLock { $0 }
    }

    private static func ids(_ client: Client) async throws -> [Int] {
        try await client.get("/v1/events?follow=false").text.split(separator: "\n")
            .filter { $0.hasPrefix("id: ") }.map { Int($0.dropFirst(4))! }
    }

    /// Follows the stream of a daemon keeping `buffer` events through the same calls and half hour; returns the ids
    /// the follower saw and the error it ended with, if any.
    private static func follow(buffer: Int, before: Int, last: Int) async throws -> (ids: [Int], error: String?) {
        let daemon = try TestDaemon(eventBuffer: buffer)
        let seen = Box((ids: [Int](), error: String?.none))
        try await daemon.run { client in
            let port = try #require(client.client.port)
            let stream = EventStream.follow(base: "http://127.0.0.1:\(port)", token: nil)
            let reader = Task {
                do {
                    for try await event in stream { seen.value.withLock { $0.ids.append(event.id) } }
                } catch {
                    seen.value.withLock { $0.error = "\(error)" }
                }
            }
            for _ in 0..<60 { try await client.post("/v1/calls", #"{"entry": "main number"}"#) }
            // The follower is subscribed and has caught up before the batch comes.
            try await Self.wait { seen.value.withLock { $0.ids.count } >= before }
            await daemon.clock.advance(to: 9.5 * 3600)
            try await Self.wait { seen.value.withLock { $0.error != nil || $0.ids.last == last } }
            reader.cancel()
        }
        return seen.value.withLock { $0 }
    }

    private static func wait(until done: () -> Bool) async throws {
        for _ in 0..<500 where !done() { try await Task.sleep(for: .milliseconds(10)) }
    }

    /// A buffer under the batch but over half of it: the follower is cut off mid-batch (its queue overflows), and
    /// resumes after the last event it got, which the daemon still keeps: every event once, in order. The follower
    /// as it was before resuming stopped at the buffer's size after the batch began, and said nothing.
    @Test func resumesAfterBeingCutOff() async throws {
        let (before, all) = try await Self.reference()
        try #require(all.count - before > 40)
        let batch = all.count - before
        let seen = try await Self.follow(buffer: batch * 3 / 4, before: before, last: all.last!)
        #expect(seen.error == nil)
        #expect(seen.ids == all)
    }

    /// A buffer under a third of the batch: the events after the follower's last are gone when it resumes; the
    /// stream ends with an error that says so, not silently.
    @Test func failsWhenEventsAreLost() async throws {
        let (before, all) = try await Self.reference()
        let batch = all.count - before
        try #require(batch > 40)
        let seen = try await Self.follow(buffer: batch / 3, before: before, last: all.last!)
        #expect(seen.error?.contains("no longer keeps the events") == true)
        #expect(seen.ids.count < all.count)
    }
}

/// A value shared with tasks.
private final class Box<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
}
