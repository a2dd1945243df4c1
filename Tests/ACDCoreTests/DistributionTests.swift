import ACDCore
import Foundation
import Testing

/// Each distribution's sample mean and variance against the exact ones. With n = 200,000 draws the tolerance is four
/// standard errors (the mean's from the exact variance, the variance's from the sample fourth moment): a correct
/// sampler fails one of these checks with probability about 1e-4.
@Suite("Distributions")
struct DistributionTests {
    static let all: [(String, Distribution)] = [
        ("exponential", .exponential(mean: 180)),
        ("deterministic", .deterministic(42)),
        ("uniform", .uniform(low: 20, high: 60)),
        ("erlang-3", .erlang(k: 3, mean: 240)),
        ("gamma 0.5", .gamma(shape: 0.5, mean: 100)),
        ("gamma 2.5", .gamma(shape: 2.5, mean: 300)),
        ("lognormal", .lognormal(mean: 240, standardDeviation: 150)),
        ("empirical", .empirical(EmpiricalTable(values: [30, 60, 60, 90, 400]))),
        ("histogram", .histogram(HistogramTable(bins: [(0, 60, 1), (60, 120, 3), (120, 600, 1)]))),
    ]

    @Test("mean and variance", arguments: all.map(\.0))
    func moments(name: String) {
        let distribution = Self.all.first { $0.0 == name }!.1
        var rng = RandomStream(seed: 99, replication: 0, purpose: .service)
        let n = 200_000
        var values = [Double](repeating: 0, count: n)
        for i in 0..<n { values[i] = distribution.sample(&rng) }
        let mean = values.reduce(0, +) / Double(n)
        let centred = values.map { ($0 - mean) * ($0 - mean) }
        let variance = centred.reduce(0, +) / Double(n - 1)
        let fourth = values.map { pow($0 - mean, 4) }.reduce(0, +) / Double(n)
        let meanError = (distribution.variance / Double(n)).squareRoot()
        let varianceError = ((fourth - variance * variance) / Double(n)).squareRoot()
        #expect(abs(mean - distribution.mean) <= 4 * meanError + 1e-9, "\(name): mean \(mean) vs \(distribution.mean)")
        #expect(
            abs(variance - distribution.variance) <= 4 * varianceError + 1e-9,
            "\(name): variance \(variance) vs \(distribution.variance)")
        #expect(values.allSatisfy { $0 >= 0 && $0.isFinite })
    }

    @Test("streams are reproducible and independent")
    func streams() {
        var a = RandomStream(seed: 5, replication: 3, purpose: .arrivals, index: 1)
        var b = RandomStream(seed: 5, replication: 3, purpose: .arrivals, index: 1)
        var c = RandomStream(seed: 5, replication: 3, purpose: .arrivals, index: 2)
        var d = RandomStream(seed: 5, replication: 4, purpose: .arrivals, index: 1)
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        #expect(first != (0..<100).map { _ in c.next() })
        #expect(first != (0..<100).map { _ in d.next() })
        // xoshiro256** reference: seeding state (1, 2, 3, 4) gives 11520, 0, 1509978240, 1215971899390074240.
        var reference = RandomStream(state: (1, 2, 3, 4))
        #expect([reference.next(), reference.next(), reference.next(), reference.next()]
            == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
    }
}
