import ACDCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The daemon's event stream (`GET /v1/events`), read as server-sent events and decoded into ``LiveEvent``s.
package enum EventStream {
    /// The events of the complete frames at the start of `buffer` (frames end with a blank line); what is left of a
    /// frame still coming stays in `buffer`. Comments (keep-alives) and frames without `data:` give no event.
    package static func events(in buffer: inout [UInt8]) -> [LiveEvent] {
        var events: [LiveEvent] = []
        var start = 0
        var i = 0
        let decoder = JSONDecoder()
        while i + 1 < buffer.count {
            guard buffer[i] == UInt8(ascii: "\n"), buffer[i + 1] == UInt8(ascii: "\n") else {
                i += 1
                continue
            }
            let frame = String(decoding: buffer[start..<i], as: UTF8.self)
            for line in frame.split(separator: "\n") where line.hasPrefix("data: ") {
                if let event = try? decoder.decode(LiveEvent.self, from: Data(line.dropFirst(6).utf8)) {
                    events.append(event)
                }
            }
            i += 2
            start = i
        }
        buffer.removeFirst(start)
        return events
    }

    /// Follows the daemon's events at `base` until the stream is cancelled, the daemon ends it, or it fails.
    package static func follow(base: String, token: String?) -> AsyncThrowingStream<LiveEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: LiveEvent.self)
        let task = Task {
            var configuration = HTTPClient.Configuration()
            // The daemon sends a keep-alive every 15 s.
            configuration.timeout = .init(connect: .seconds(3), read: .seconds(60))
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                var request = HTTPClientRequest(url: base + "/v1/events")
                if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
                let response = try await client.execute(request, timeout: .hours(24 * 365))
                guard response.status == .ok else {
                    throw EventStreamError(description: "GET /v1/events answered \(response.status.code)")
                }
                var buffer: [UInt8] = []
                for try await chunk in response.body {
                    buffer.append(contentsOf: chunk.readableBytesView)
                    for event in events(in: &buffer) { continuation.yield(event) }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
            try? await client.shutdown()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

package struct EventStreamError: Error, CustomStringConvertible {
    package var description: String
}
