import ACDCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The daemon's event stream (`GET /v1/events`), read as server-sent events and decoded into ``LiveEvent``s.
package enum EventStream {
    /// What the complete frames at the start of a buffer hold: their events, and whether the daemon said some
    /// events were dropped (its `: some events were dropped` comment, sent when a resumed stream has a gap).
    package struct Frames: Equatable, Sendable {
        package var events: [LiveEvent] = []
        package var gap = false
        package init(events: [LiveEvent] = [], gap: Bool = false) { (self.events, self.gap) = (events, gap) }
    }

    /// The complete frames at the start of `buffer` (frames end with a blank line); what is left of a frame still
    /// coming stays in `buffer`. Comments (keep-alives) and frames without `data:` give no event.
    package static func frames(in buffer: inout [UInt8]) -> Frames {
        var frames = Frames()
        var start = 0
        var i = 0
        let decoder = JSONDecoder()
        while i + 1 < buffer.count {
            guard buffer[i] == UInt8(ascii: "\n"), buffer[i + 1] == UInt8(ascii: "\n") else {
                i += 1
                continue
            }
            let frame = String(decoding: buffer[start..<i], as: UTF8.self)
            for line in frame.split(separator: "\n") {
                if line.hasPrefix("data: ") {
                    if let event = try? decoder.decode(LiveEvent.self, from: Data(line.dropFirst(6).utf8)) {
                        frames.events.append(event)
                    }
                } else if line == droppedComment {
                    frames.gap = true
                }
            }
            i += 2
            start = i
        }
        buffer.removeFirst(start)
        return frames
    }

    /// The comment the daemon sends first on a stream that resumes after events it no longer keeps.
    package static let droppedComment = ": some events were dropped"

    /// Follows the daemon's events at `base` until the stream is cancelled or fails. When the daemon ends the
    /// stream (it cuts off a client that falls its buffer behind, or a proxy closes it), the stream resumes from
    /// the last event seen (`Last-Event-ID`), so no event is lost silently: a resumed stream that has a gap, or
    /// an answer other than 200, end it with an error; `attempts` connections in a row that fail or end before a new
    /// event, once the daemon has been reached, end it without error (the daemon stopped).
    package static func follow(
        base: String, token: String?, attempts: Int = 5, pause: Duration = .milliseconds(200)
    ) -> AsyncThrowingStream<LiveEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: LiveEvent.self)
        let task = Task {
            var configuration = HTTPClient.Configuration()
            // The daemon sends a keep-alive every 15 s.
            configuration.timeout = .init(connect: .seconds(3), read: .seconds(60))
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            var last: Int?
            var connected = false
            // Connections in a row that failed or ended before a new event came.
            var idle = 0
            do {
                while !Task.isCancelled {
                    if idle > 0 {
                        guard idle < attempts else { break }
                        try await Task.sleep(for: pause)
                    }
                    idle += 1
                    var request = HTTPClientRequest(url: base + "/v1/events")
                    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
                    if let last { request.headers.add(name: "Last-Event-ID", value: String(last)) }
                    let response: HTTPClientResponse
                    do {
                        response = try await client.execute(request, timeout: .hours(24 * 365))
                    } catch where connected && !Task.isCancelled {
                        continue  // reached before, not now: the daemon may be stopping
                    }
                    guard response.status == .ok else {
                        throw EventStreamError(description: "GET /v1/events answered \(response.status.code)")
                    }
                    connected = true
                    var buffer: [UInt8] = []
                    for try await chunk in response.body {
                        buffer.append(contentsOf: chunk.readableBytesView)
                        let frames = frames(in: &buffer)
                        if frames.gap {
                            throw EventStreamError(
                                description: "the daemon no longer keeps the events after event \(last ?? 0) "
                                    + "(it keeps only its latest): this client fell behind and lost some")
                        }
                        for event in frames.events {
                            last = event.id
                            idle = 0
                            continuation.yield(event)
                        }
                    }
                    // The daemon ended the stream: resume after the last event seen.
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
