/// A mistake in an input file, with where it is and what to do about it.
///
/// Printed as `file:line:column: field: message`, the form editors and CI annotate.
package struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    package var file: String
    /// 1-based; 0 when the position is unknown (the file could not be read).
    package var line: Int
    package var column: Int
    /// Dotted path of the field, `queues[0].handle_time.exponential`; empty for the whole file.
    package var field: String
    package var message: String

    package init(file: String, line: Int, column: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    package var description: String {
        let place = line > 0 ? "\(file):\(line):\(column)" : file
        return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
    }
}
