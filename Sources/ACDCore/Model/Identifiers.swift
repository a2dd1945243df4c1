/// A typed index into the model or the engine, so that a group index can never sit where a queue belongs.
///
/// It wraps the flat-array index the engine uses internally (the raw value), in the manner of swift-collections'
/// `_HeapNode`: the type says what the number counts.
package struct TypedIndex<Kind: IndexKind>: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    package var rawValue: Int32
    package init(_ index: Int) { rawValue = Int32(index) }
    package var index: Int { Int(rawValue) }
    package var description: String { "\(Kind.name)#\(rawValue)" }
    package static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    package init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int32.self) }
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// What a ``TypedIndex`` counts.
package protocol IndexKind: Sendable { static var name: String { get } }

package enum QueueKind: IndexKind { package static let name = "queue" }
/// An agent group: a team with a rota, or a set of external agents who log in.
package enum GroupKind: IndexKind { package static let name = "group" }
/// A number callers dial (an entry into a flow).
package enum EntryKind: IndexKind { package static let name = "entry" }
/// One agent of the engine: a simulated one from a rota, or an external one who logged in.
package enum AgentKind: IndexKind { package static let name = "agent" }

package typealias QueueID = TypedIndex<QueueKind>
package typealias GroupID = TypedIndex<GroupKind>
package typealias EntryID = TypedIndex<EntryKind>
package typealias AgentID = TypedIndex<AgentKind>

/// One call, from dialling to its end. It stays the same across transfers between queues.
///
/// The engine keeps calls in recycled slots; the id joins the slot with the slot's generation, so a command naming a
/// call that has ended is told so instead of reaching the slot's next occupant.
package struct CallID: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    package var rawValue: UInt64
    package init(rawValue: UInt64) { self.rawValue = rawValue }
    init(slot: Int32, generation: UInt32) { rawValue = UInt64(generation) << 32 | UInt64(UInt32(bitPattern: slot)) }
    var slot: Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: rawValue)) }
    var generation: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) }
    package var description: String { "call#\(rawValue)" }
    package static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    package init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(UInt64.self) }
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
