import ACDCore
import Synchronization

/// The daemon's events, fanned out to every event-stream client: the last `capacity` events are kept so a client
/// that reconnects with `Last-Event-ID` resumes where it left off. A client that falls `capacity` events behind is
/// cut off (its stream ends) rather than letting memory grow; it reconnects and resumes from what is kept.
package final class EventHub: Sendable {
    struct Subscription: Sendable {
        /// Kept events after the one asked for, oldest first.
        var backlog: [LiveEvent]
        /// `true` when events after the one asked for have already been dropped from the buffer.
        var gap: Bool
        var stream: AsyncStream<LiveEvent>
        var id: Int
    }

    private struct State {
        var ring: [LiveEvent] = []
        var start = 0
        var subscribers: [Int: AsyncStream<LiveEvent>.Continuation] = [:]
        var nextSubscriber = 0
        var closed = false
        var published = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// Adds events in order (the engine's sink; runs on the engine's queue).
    func publish(_ events: [LiveEvent]) {
        state.withLock { s in
            for event in events {
                if s.ring.count < capacity {
                    s.ring.append(event)
                } else {
                    s.ring[s.start] = event
                    s.start = (s.start + 1) % capacity
                }
                for (id, continuation) in s.subscribers {
                    if case .dropped = continuation.yield(event) {
                        continuation.finish()
                        s.subscribers[id] = nil
                    }
                }
            }
            s.published += events.count
        }
    }

    /// The kept events of one call, oldest first (without copying the others).
    package func kept(call: CallID) -> [LiveEvent] {
        state.withLock { s in
            s.ring[s.start...].filter { $0.call == call } + s.ring[..<s.start].filter { $0.call == call }
        }
    }

    var published: Int { state.withLock { $0.published } }

    /// Events after `lastID` (all kept ones when `nil`), then every new one as it comes.
    func subscribe(after lastID: Int?) -> Subscription {
        let (stream, continuation) = AsyncStream.makeStream(
            of: LiveEvent.self, bufferingPolicy: .bufferingOldest(capacity))
        return state.withLock { s in
            let kept = Array(s.ring[s.start...] + s.ring[..<s.start])
            let backlog = lastID.map { last in kept.filter { $0.id > last } } ?? kept
            let gap = lastID.map { last in (kept.first?.id ?? last + 1) > last + 1 } ?? false
            let id = s.nextSubscriber
            s.nextSubscriber += 1
            if s.closed {
                continuation.finish()
            } else {
                s.subscribers[id] = continuation
            }
            return Subscription(backlog: backlog, gap: gap, stream: stream, id: id)
        }
    }

    func unsubscribe(_ id: Int) {
        let continuation = state.withLock { $0.subscribers.removeValue(forKey: id) }
        continuation?.finish()
    }

    /// Ends every stream (the daemon is stopping).
    func close() {
        let all = state.withLock { s in
            s.closed = true
            defer { s.subscribers = [:] }
            return Array(s.subscribers.values)
        }
        for continuation in all { continuation.finish() }
    }
}
