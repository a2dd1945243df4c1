/// A xoshiro256** generator: fast, 256 bits of state, and the same sequence on every machine.
///
/// Streams are never shared between replications or between purposes: ``RandomStream/init(seed:replication:purpose:)``
/// derives an independent state from the three numbers with SplitMix64, so that the arrivals of replication 3 are
/// the same whatever the staffing, the number of threads or the order in which replications run (common random
/// numbers for what-if comparisons).
package struct RandomStream: Sendable {
    var s0: UInt64
    var s1: UInt64
    var s2: UInt64
    var s3: UInt64

    /// Seeds the state from one 64-bit value through SplitMix64, as the xoshiro authors recommend.
    package init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next()
        s1 = sm.next()
        s2 = sm.next()
        s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// A generator with its state given word by word (tests against the reference sequence).
    package init(state: (UInt64, UInt64, UInt64, UInt64)) {
        (s0, s1, s2, s3) = state
    }

    /// An independent stream for one purpose (arrivals of queue 2, patience of queue 0, ...) of one replication.
    package init(seed: UInt64, replication: Int, purpose: StreamPurpose, index: Int = 0) {
        var h = SplitMix64(state: seed)
        var mixed = h.next()
        mixed ^= UInt64(truncatingIfNeeded: replication) &* 0xD6E8_FEB8_6659_FD93
        mixed = SplitMix64.mix(mixed)
        mixed ^= UInt64(purpose.rawValue) &* 0xA076_1D64_78BD_642F
        mixed = SplitMix64.mix(mixed)
        mixed ^= UInt64(truncatingIfNeeded: index) &* 0xE703_7ED1_A0B4_28DB
        self.init(seed: SplitMix64.mix(mixed))
    }

    @inline(__always)
    package mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform double in the open interval (0, 1): never 0, so `log` of it is finite.
    @inline(__always)
    package mutating func uniform() -> Double {
        Double((next() >> 11) | 1) * 0x1.0p-53
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift; the tiny bias is below 2^-40 for our bounds).
    @inline(__always)
    package mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}

/// What a stream is used for; part of the derivation of its seed.
package enum StreamPurpose: UInt8, Sendable {
    case arrivals = 1
    case service = 2
    case patience = 3
    case wrapUp = 4
    case redial = 5
    case routing = 6
    case flow = 7
    case callerChoice = 8
}

struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
