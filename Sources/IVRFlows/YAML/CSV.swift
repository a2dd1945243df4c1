import Foundation

/// A CSV field, quoted as RFC 4180 asks when it holds a comma, a quote or a line break.
package func csvField(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

/// The records of an RFC 4180 CSV text (the inverse of ``csvField(_:)``), each with the 1-based line it starts on.
/// A quote left open runs to the end of the text: that last record has `closed` false.
package func csvRecords(_ text: String) -> [(line: Int, fields: [String], closed: Bool)] {
    var records: [(line: Int, fields: [String], closed: Bool)] = []
    var fields: [String] = []
    var field = ""
    var quoted = false
    var line = 1
    var start = 1
    var iterator = text.makeIterator()
    var pending = iterator.next()
    func endRecord() {
        fields.append(field)
        if fields != [""] { records.append((start, fields, true)) }
        fields = []
        field = ""
    }
    while let c = pending {
        pending = iterator.next()
        if quoted {
            if c == "\"" {
                if pending == "\"" {
                    field.append("\"")
                    pending = iterator.next()
                } else {
                    quoted = false
                }
            } else {
                if c == "\n" || c == "\r\n" { line += 1 }
                field.append(c)
            }
            continue
        }
        switch c {
        case "\"" where field.isEmpty: quoted = true
        case ",":
            fields.append(field)
            field = ""
        case "\n", "\r\n":
            endRecord()
            line += 1
            start = line
        case "\r": break
        default: field.append(c)
        }
    }
    if quoted {
        fields.append(field)
        records.append((start, fields, false))
    } else if !field.isEmpty || !fields.isEmpty {
        endRecord()
    }
    return records
}
