import ACDCore
import CSIPStack
import Foundation
import IVRFlows

/// Who may register a phone as an agent: the file `acdd serve --sip-agents FILE` reads (docs/sip.md). Each agent has
/// a name (the digest user name their phone registers with), one group of the scenario whose agents log in
/// (`staffing: external`), and a password or its digest HA1, so the file need not hold the password itself.
///
/// ```yaml
/// realm: acdd            # the digest realm phones are challenged with (default acdd)
/// ring-time: 15          # seconds an offered call rings before it goes back to its queue (default 15)
/// min-expires: 60        # the shortest registration taken; a shorter ask gets 423 (default 60)
/// lockout: { failures: 10, seconds: 60 }   # refused REGISTERs from one address before it goes unanswered
/// agents:
///   - name: ann
///     group: Council Tax phones
///     password: correct-horse
///   - name: bob
///     group: Council Tax phones
///     ha1: 0b6c3c0ef1a4b8e1a3a9f5b1d0c2e4f6   # MD5 of "bob:acdd:PASSWORD"
/// ```
package struct SIPAgentBook: Sendable {
    package struct Agent: Sendable {
        package var name: String
        package var group: GroupID
        /// MD5 of `name:realm:password`.
        package var ha1: [UInt8]
        /// Seconds of wrap-up after each call: the mean of the group's wrap-up in the model.
        package var wrapUp: Double
    }

    package var realm = "acdd"
    package var ringTime = 15.0
    /// Registrations shorter than this get 423 Interval Too Brief.
    package var minExpires = 60
    /// After `lockoutFailures` refused REGISTERs from one address within `lockoutSeconds`, that address's REGISTERs
    /// go unanswered until the window ends.
    package var lockoutFailures = 10
    package var lockoutSeconds = 60
    package var agents: [String: Agent] = [:]

    package init() {}

    /// Reads and checks the file against the scenario's groups; every mistake is located (file:line:column: field).
    package static func load(path: String, model: CentreModel) throws(InputError) -> SIPAgentBook {
        let root = try YAMLValue.load(path: path)
        try root.expectKeys(["realm", "ring-time", "min-expires", "lockout", "agents"], required: ["agents"])
        var book = SIPAgentBook()
        if let realm = root["realm"] {
            book.realm = try realm.string()
            guard !book.realm.isEmpty, !book.realm.contains("\""), book.realm.count <= 64 else {
                throw realm.error("the realm is 1 to 64 characters, without quotes")
            }
        }
        if let ring = root["ring-time"] {
            book.ringTime = try ring.double()
            guard (1...120).contains(book.ringTime) else { throw ring.error("ring-time is 1 to 120 seconds") }
        }
        if let value = root["min-expires"] {
            book.minExpires = try value.int()
            guard (1...3600).contains(book.minExpires) else { throw value.error("min-expires is 1 to 3600 seconds") }
        }
        if let lockout = root["lockout"] {
            try lockout.expectKeys(["failures", "seconds"], required: ["failures", "seconds"])
            let failures = try lockout.required("failures")
            book.lockoutFailures = try failures.int()
            guard (0...10000).contains(book.lockoutFailures) else {
                throw failures.error("lockout failures is 0 (never lock out) to 10000")
            }
            let seconds = try lockout.required("seconds")
            book.lockoutSeconds = try seconds.int()
            guard (1...86400).contains(book.lockoutSeconds) else {
                throw seconds.error("lockout seconds is 1 to 86400")
            }
        }
        let externalGroups = model.groups.indices.filter { model.groups[$0].external }
        for item in try root.required("agents").items() {
            try item.expectKeys(["name", "group", "password", "ha1"], required: ["name", "group"])
            let nameValue = try item.required("name")
            let name = try nameValue.string()
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) })
            else { throw nameValue.error("an agent's name is 1 to 64 letters, digits, '-', '_' or '.'") }
            guard book.agents[name] == nil else { throw nameValue.error("agent \(name) is listed twice") }
            let groupValue = try item.required("group")
            let groupName = try groupValue.string()
            guard let g = model.groups.firstIndex(where: { $0.name == groupName }) else {
                throw groupValue.error("no group '\(groupName)' in the scenario")
            }
            guard model.groups[g].external else {
                let names = externalGroups.map { model.groups[$0].name }
                throw groupValue.error(
                    "group '\(groupName)' is staffed by its rota; agents on phones join a group with agents: external"
                        + (names.isEmpty ? " (the scenario has none)" : " (\(names.joined(separator: ", ")))"))
            }
            var ha1 = [UInt8](repeating: 0, count: 16)
            switch (item["password"], item["ha1"]) {
            case (let password?, nil):
                let secret = try password.string()
                guard !secret.isEmpty else { throw password.error("the password is empty") }
                sipstack_ha1(name, book.realm, secret, &ha1)
            case (nil, let digest?):
                let hex = try digest.string()
                guard hex.count == 32, let bytes = Self.bytes(hex: hex) else {
                    throw digest.error("ha1 is 32 hexadecimal digits: the MD5 of \"\(name):\(book.realm):PASSWORD\"")
                }
                ha1 = bytes
            default:
                throw item.error("give exactly one of password and ha1")
            }
            book.agents[name] = Agent(
                name: name, group: GroupID(g), ha1: ha1, wrapUp: max(0, model.groups[g].wrapUp.mean))
        }
        return book
    }

    static func bytes(hex: String) -> [UInt8]? {
        var out: [UInt8] = []
        var chars = Array(hex.utf8)[...]
        while chars.count >= 2 {
            guard let byte = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            chars = chars.dropFirst(2)
        }
        return chars.isEmpty ? out : nil
    }
}
