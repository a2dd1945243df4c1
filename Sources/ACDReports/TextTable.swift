/// A plain-text table with aligned columns, for terminals and for pasting into documents.
package struct TextTable {
    package var header: [String]
    package var rows: [[String]] = []
    /// Columns aligned left (the others align right, as numbers do).
    package var leftAligned: Set<Int> = [0]

    package init(header: [String]) { self.header = header }

    package mutating func add(_ row: [String]) { rows.append(row) }

    package func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0.indices.contains(c) ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return leftAligned.contains(c) ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

extension TextTable {
    /// The same table as HTML: numbers aligned right, the first column left, verdicts marked `met` or `missed`.
    package func html(caption: String? = nil) -> String {
        func cell(_ tag: String, _ c: Int, _ text: String) -> String {
            var classes = leftAligned.contains(c) ? [] : ["num"]
            if text.hasSuffix(" met") || text.hasSuffix(" met?") { classes.append("met") }
            if text.hasSuffix(" missed") || text.hasSuffix(" missed?") { classes.append("missed") }
            let attribute = classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
            return "<\(tag)\(attribute)>\(escapeHTML(text))</\(tag)>"
        }
        var out = "<table>" + (caption.map { "<caption>\(escapeHTML($0))</caption>" } ?? "")
        out += "<thead><tr>" + header.enumerated().map { cell("th", $0, $1) }.joined() + "</tr></thead><tbody>\n"
        for row in rows { out += "<tr>" + row.enumerated().map { cell("td", $0, $1) }.joined() + "</tr>\n" }
        return out + "</tbody></table>\n"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// `text` broken at spaces into lines of at most `width` characters, each ending in a line break.
func wrapped(_ text: String, width: Int = 120) -> String {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
        if !line.isEmpty && line.count + 1 + word.count > width {
            lines.append(line)
            line = String(word)
        } else {
            line += line.isEmpty ? String(word) : " " + word
        }
    }
    lines.append(line)
    return lines.joined(separator: "\n") + "\n"
}
