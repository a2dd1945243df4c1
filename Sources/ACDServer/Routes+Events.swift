import ACDCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

extension Daemon {
    /// `GET /v1/events`: server-sent events, one per call or agent event, each with its `id:` so a client that
    /// reconnects with `Last-Event-ID` (or `?after=ID`) gets what it missed from the kept buffer. `?follow=false`
    /// sends the kept events and ends. A comment line every 15 s keeps idle connections open.
    func addEventRoutes(to router: RouterGroup<DaemonContext>) {
        router.get("events") { request, _ in
            let lastID = try Self.lastEventID(request)
            let follow = request.uri.queryParameters.get("follow") != "false"
            let subscription = self.hub.subscribe(after: lastID)
            let hub = self.hub
            let headers: HTTPFields = [
                .contentType: "text/event-stream", .cacheControl: "no-cache",
                HTTPField.Name("X-Accel-Buffering")!: "no",
            ]
            let body = ResponseBody { writer in
                defer { hub.unsubscribe(subscription.id) }
                if subscription.gap { try await writer.write(ByteBuffer(string: ": some events were dropped\n\n")) }
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                for event in subscription.backlog { try await writer.write(Self.frame(event)) }
                if follow {
                    try await Self.stream(subscription.stream, to: &writer)
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: headers, body: body)
        }
    }

    /// New events as they come, and a keep-alive comment when none has come for 15 s; ends when the hub closes,
    /// the client goes, or the daemon stops.
    private static func stream(_ events: AsyncStream<LiveEvent>, to writer: inout any ResponseBodyWriter) async throws {
        let (ticks, continuation) = AsyncStream.makeStream(of: LiveEvent?.self)
        let feed = Task {
            for await event in events { continuation.yield(event) }
            continuation.finish()
        }
        let ping = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(15))
                continuation.yield(nil)
            }
        }
        defer {
            feed.cancel()
            ping.cancel()
        }
        try await withGracefulShutdownHandler {
            for await item in ticks {
                try await writer.write(item.map(frame) ?? ByteBuffer(string: ": keep-alive\n\n"))
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
    }

    static func frame(_ event: LiveEvent) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: "id: \(event.id)\nevent: \(event.type.rawValue)\ndata: \(json)\n\n")
    }

    private static func lastEventID(_ request: Request) throws -> Int? {
        let text =
            request.headers[HTTPField.Name("Last-Event-ID")!]
            ?? request.uri.queryParameters.get("after").map { String($0) }
        guard let text else { return nil }
        guard let id = Int(text), id >= 0 else {
            throw Problem(
                .unprocessableContent, code: "bad-value", "Last-Event-ID is an event's number", field: "Last-Event-ID")
        }
        return id
    }
}
