/// The few dense linear-algebra steps a fit needs, on row-major `[[Double]]` (a handful of parameters).
enum Matrix {
    /// `Aᵀ B` for `A` m×p and `B` m×q.
    static func transposeTimes(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        let p = a.first?.count ?? 0
        let q = b.first?.count ?? 0
        var out = Array(repeating: Array(repeating: 0.0, count: q), count: p)
        for r in a.indices {
            for i in 0..<p where a[r][i] != 0 {
                for j in 0..<q { out[i][j] += a[r][i] * b[r][j] }
            }
        }
        return out
    }

    static func times(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        let q = b.first?.count ?? 0
        return a.map { row in (0..<q).map { j in row.indices.reduce(0) { $0 + row[$1] * b[$1][j] } } }
    }

    static func transpose(_ a: [[Double]]) -> [[Double]] {
        guard let n = a.first?.count else { return [] }
        return (0..<n).map { j in a.map { $0[j] } }
    }

    /// The inverse of a square matrix by Gauss-Jordan elimination with partial pivoting; `nil` when singular.
    static func inverse(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var m = a.enumerated().map { i, row in row + (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        let scale = a.flatMap { $0 }.map(abs).max() ?? 0
        for c in 0..<n {
            guard let pivot = (c..<n).max(by: { abs(m[$0][c]) < abs(m[$1][c]) }), abs(m[pivot][c]) > 1e-12 * scale
            else { return nil }
            m.swapAt(c, pivot)
            let d = m[c][c]
            m[c] = m[c].map { $0 / d }
            for r in 0..<n where r != c && m[r][c] != 0 {
                let f = m[r][c]
                for k in 0..<(2 * n) { m[r][k] -= f * m[c][k] }
            }
        }
        return m.map { Array($0[n...]) }
    }

    /// The solution of `A x = b`, or `nil` when `A` is singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        inverse(a).map { inv in inv.map { row in zip(row, b).reduce(0) { $0 + $1.0 * $1.1 } } }
    }
}
