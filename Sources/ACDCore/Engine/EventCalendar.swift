/// One scheduled event. 32 bytes, no references: the calendar is a flat array of these.
package struct Event: Sendable {
    package var time: Double
    /// Order of scheduling; breaks ties in time the same way every run.
    package var sequence: UInt64
    package var kind: Kind
    /// A queue, agent or call index, by kind.
    package var subject: Int32
    /// A call's generation (to spot events for a call slot that has since been reused) or a group index.
    package var tag: UInt32

    package enum Kind: UInt8, Sendable {
        case arrival
        case abandon
        case talkEnd
        case wrapUpEnd
        case overflow
        case rotaChange
        case redial
        case injected
        case flowStep
        case repeatCall
        case callbackOffer
        /// An external (live) caller has finished a timed flow step.
        case flowAdvance
    }

    @inline(__always)
    static func precedes(_ a: Event, _ b: Event) -> Bool {
        a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
    }
}

/// The event calendar: a 4-ary min-heap keyed by (time, sequence) in one contiguous array.
///
/// A 4-ary heap halves the depth of a binary one and keeps siblings in one cache line; sifting moves a hole instead
/// of swapping. Capacity grows to the largest number of pending events and is then reused, so a long run allocates
/// nothing per event.
package struct EventCalendar: Sendable {
    var storage: ContiguousArray<Event> = []
    var nextSequence: UInt64 = 0

    package init() {}

    package var count: Int { storage.count }
    package var isEmpty: Bool { storage.isEmpty }
    /// The time of the next event, if any.
    package var nextTime: Double? { storage.first?.time }

    package mutating func schedule(_ kind: Event.Kind, at time: Double, subject: Int32, tag: UInt32 = 0) {
        let event = Event(time: time, sequence: nextSequence, kind: kind, subject: subject, tag: tag)
        nextSequence &+= 1
        storage.append(event)
        siftUp(storage.count - 1, event)
    }

    package mutating func popNext() -> Event? {
        guard let first = storage.first else { return nil }
        let last = storage.removeLast()
        if !storage.isEmpty { siftDown(0, last) }
        return first
    }

    mutating func siftUp(_ start: Int, _ event: Event) {
        storage.withUnsafeMutableBufferPointer { heap in
            var hole = start
            while hole > 0 {
                let parent = (hole - 1) >> 2
                if Event.precedes(event, heap[parent]) {
                    heap[hole] = heap[parent]
                    hole = parent
                } else {
                    break
                }
            }
            heap[hole] = event
        }
    }

    mutating func siftDown(_ start: Int, _ event: Event) {
        storage.withUnsafeMutableBufferPointer { heap in
            let n = heap.count
            var hole = start
            while true {
                let first = hole << 2 + 1
                if first >= n { break }
                var best = first
                let end = min(first + 4, n)
                var child = first + 1
                while child < end {
                    if Event.precedes(heap[child], heap[best]) { best = child }
                    child += 1
                }
                if Event.precedes(heap[best], event) {
                    heap[hole] = heap[best]
                    hole = best
                } else {
                    break
                }
            }
            heap[hole] = event
        }
    }
}
