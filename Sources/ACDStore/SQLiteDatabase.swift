import CSQLite

/// One SQLite connection with the few things the stores need: statements run with error messages that name the file,
/// reusable prepared statements, and transactions that roll back on any error.
package final class SQLiteDatabase {
    package struct StoreError: Error, CustomStringConvertible {
        package var message: String
        package var description: String { message }
    }

    private(set) var handle: OpaquePointer?
    package let path: String

    package init(path: String) throws(StoreError) {
        self.path = path
        guard sqlite3_open(path, &handle) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            handle = nil
            throw StoreError(message: "\(path): cannot open as SQLite: \(message)")
        }
        sqlite3_busy_timeout(handle, 5000)
    }

    deinit { sqlite3_close(handle) }

    package func execute(_ sql: String) throws(StoreError) {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw StoreError(message: "\(path): \(message)")
        }
    }

    package func prepare(_ sql: String) throws(StoreError) -> Statement { try Statement(self, sql) }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    package var lastInsertedRow: Int { Int(sqlite3_last_insert_rowid(handle)) }

    /// The first column of the first row of a query, as an integer (`nil` when no row).
    package func integer(_ sql: String) throws(StoreError) -> Int? {
        let statement = try prepare(sql)
        return try statement.rows([]).first?.first.flatMap { $0 as? Int }
    }

    /// A prepared statement reused for many rows. Values bind by type: `Int`, `UInt64`, finite `Double`, `String`;
    /// anything else (`nil`, NaN) binds as NULL.
    package final class Statement {
        let handle: OpaquePointer
        let database: SQLiteDatabase

        init(_ database: SQLiteDatabase, _ sql: String) throws(StoreError) {
            var handle: OpaquePointer?
            guard sqlite3_prepare_v2(database.handle, sql, -1, &handle, nil) == SQLITE_OK, let handle else {
                throw StoreError(message: "\(database.path): \(String(cString: sqlite3_errmsg(database.handle)))")
            }
            self.handle = handle
            self.database = database
        }

        deinit { sqlite3_finalize(handle) }

        private func bind(_ values: [Any?]) {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            for (i, value) in values.enumerated() {
                let index = Int32(i + 1)
                switch value {
                case let v as Int: sqlite3_bind_int64(handle, index, Int64(v))
                case let v as UInt64: sqlite3_bind_int64(handle, index, Int64(bitPattern: v))
                case let v as Double where v.isFinite: sqlite3_bind_double(handle, index, v)
                case let v as String: sqlite3_bind_text(handle, index, v, -1, transient)
                default: sqlite3_bind_null(handle, index)
                }
            }
        }

        private var failure: StoreError {
            StoreError(message: "\(database.path): \(String(cString: sqlite3_errmsg(database.handle)))")
        }

        /// Runs a statement that returns no rows.
        package func run(_ values: [Any?]) throws(StoreError) {
            bind(values)
            guard sqlite3_step(handle) == SQLITE_DONE else { throw failure }
        }

        /// Runs a query; each row's columns as `Int`, `Double`, `String` or `nil`.
        package func rows(_ values: [Any?]) throws(StoreError) -> [[Any?]] {
            bind(values)
            var rows: [[Any?]] = []
            while true {
                let step = sqlite3_step(handle)
                if step == SQLITE_DONE { break }
                guard step == SQLITE_ROW else { throw failure }
                rows.append(
                    (0..<sqlite3_column_count(handle)).map { column -> Any? in
                        switch sqlite3_column_type(handle, column) {
                        case SQLITE_INTEGER: Int(sqlite3_column_int64(handle, column))
                        case SQLITE_FLOAT: sqlite3_column_double(handle, column)
                        case SQLITE_TEXT: String(cString: sqlite3_column_text(handle, column))
                        default: nil
                        }
                    })
            }
            return rows
        }
    }
}
