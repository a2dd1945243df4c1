import ACDCore
import Foundation
import IVRFlows

/// Draws a flow set as Graphviz dot or Mermaid. With simulation results, edges carry call counts and widths by
/// traffic, and nodes their hang-up share, so a planner sees where callers go and where they are lost.
package struct FlowGraph {
    package struct Traffic: Sendable {
        /// Per "flow: node": visits and hang-up share.
        package var nodes: [String: (visits: Double, hangUp: Double)] = [:]
        /// Per "flow: from -> to": calls per replication.
        package var edges: [String: Double] = [:]
        /// Per queue: its ASA (seconds) and abandonment (a fraction).
        package var queues: [String: (asa: Double, abandonment: Double)] = [:]

        package init() {}

        /// Reads the JSON that `acdd simulate --format json` writes for a scenario with flows.
        package static func read(json data: Data) throws -> Traffic {
            let results: SimulationResults
            do {
                results = try SimulationResults.decoder.decode(SimulationResults.self, from: data)
            } catch {
                throw GraphError(message: "the results file is not acdd simulate --format json output: \(error)")
            }
            guard let nodes = results.nodes else {
                throw GraphError(message: "the results file has no 'nodes': write it with acdd simulate --format json")
            }
            var traffic = Traffic()
            for queue in results.queues {
                guard let asa = queue.metrics["asa"]?.mean, let abandonment = queue.metrics["abandonment"]?.mean
                else { continue }
                traffic.queues[queue.name] = (asa, abandonment)
            }
            for node in nodes {
                traffic.nodes["\(node.flow): \(node.node)"] = (node.visits.mean ?? 0, node.hangUpShare.mean ?? 0)
                for exit in node.exits {
                    traffic.edges["\(node.flow): \(node.node) -> \(exit.to)"] = exit.count.mean ?? 0
                }
            }
            return traffic
        }
    }

    package struct GraphError: Error, CustomStringConvertible {
        package var message: String
        package var description: String { message }
    }

    package let set: FlowSet
    package let traffic: Traffic?

    package init(set: FlowSet, traffic: Traffic? = nil) {
        self.set = set
        self.traffic = traffic
    }

    /// The flows to draw: those no other flow calls (called flows appear inside their callers).
    var roots: [FlowDocument] {
        let called = Set(
            set.documents.flatMap { d in
                d.nodes.compactMap { n -> String? in if case .call(let f, _) = n.kind { f.name } else { nil } }
            })
        let top = set.documents.filter { !called.contains($0.name) }
        return top.isEmpty ? set.documents : top
    }

    func kind(of path: String, in document: FlowDocument) -> FlowNode.Kind? {
        var document = document
        let parts = path.split(separator: "/").map(String.init)
        for (i, part) in parts.enumerated() {
            guard let node = document.node(part) else { return nil }
            if i == parts.count - 1 { return node.kind }
            guard case .call(let flow, _) = node.kind, let callee = set.byName[flow.name] else { return nil }
            document = callee
        }
        return nil
    }

    /// An outcome a node ends in by itself: `pay/self-served`, `bins/deflected`.
    func isOutcome(_ path: String) -> Bool { path.hasSuffix("/self-served") || path.hasSuffix("/deflected") }

    func label(_ path: String, _ flow: String, _ kind: FlowNode.Kind?) -> String {
        if isOutcome(path) {
            let count = traffic?.edges.first { $0.key.hasPrefix("\(flow): ") && $0.key.hasSuffix("-> \(path)") }?.value
            return path.split(separator: "/").last.map(String.init)!
                + (count.map { String(format: "\n%.0f calls", $0) } ?? "")
        }
        var text = "\(path)\n\(kind?.name ?? "")"
        if case .queue(let queue) = kind {
            text = "\(path)\nqueue: \(queue.name)"
            if let figures = traffic?.queues[queue.name] {
                text += String(format: "\nASA %.0f s, %.1f%% abandon", figures.asa, figures.abandonment * 100)
            }
        }
        if let node = traffic?.nodes["\(flow): \(path)"] {
            text += String(format: "\n%.0f calls", node.visits)
            if node.hangUp > 0.0005 { text += String(format: ", %.1f%% hang up", node.hangUp * 100) }
        }
        return text
    }

    var maxTraffic: Double { max(1, traffic?.edges.values.max() ?? 1) }

    /// What takes a caller along an edge: the key or intent of a menu, speech or branch, open or closed, completed or
    /// failed, satisfied or not; `nil` for a plain next step.
    func condition(_ transition: String, in document: FlowDocument) -> String? {
        let ends = transition.components(separatedBy: " -> ")
        guard ends.count == 2 else { return nil }
        let (from, to) = (ends[0], ends[1])
        if isOutcome(to) { return to.hasSuffix("/self-served") ? "completed" : "satisfied" }
        let target = to.split(separator: "/").last.map(String.init) ?? to
        func names(_ pairs: [(String, String)]) -> String? {
            let hits = pairs.filter { $0.1 == target }.map(\.0)
            return hits.isEmpty ? nil : hits.joined(separator: ", ")
        }
        switch kind(of: from, in: document) {
        case .menu(let menu):
            return names(menu.options.map { ($0.key, $0.next.name) } + [("no choice", menu.exhausted.name)])
        case .speech(let speech):
            return names(
                speech.routes.map { ($0.intent.name, $0.next.name) } + [("not understood", speech.exhausted.name)])
        case .hours(_, let open, let closed): return names([("open", open.name), ("closed", closed.name)])
        case .selfService(_, _, _, let completed, let failed):
            return names([("completed", completed?.name ?? ""), ("failed", failed.name)])
        case .signpost(_, _, let otherwise): return names([("not satisfied", otherwise.name)])
        case .branch(let cases, let otherwise):
            let described = cases.map { c -> (String, String) in
                let parts =
                    c.intents.map(\.name) + c.when.map { "\($0.attribute.name)=\($0.value.name)" }
                    + (c.timeOfDay.map {
                        [
                            String(
                                format: "%02.0f:%02.0f-%02.0f:%02.0f", ($0.from / 3600).rounded(.down),
                                ($0.from.truncatingRemainder(dividingBy: 3600) / 60), ($0.to / 3600).rounded(.down),
                                ($0.to.truncatingRemainder(dividingBy: 3600) / 60))
                        ]
                    } ?? [])
                return (parts.joined(separator: " "), c.next.name)
            }
            return names(described + [("otherwise", otherwise.name)])
        default: return nil
        }
    }

    /// An edge's label: its condition, then its calls with --results.
    func edgeLabel(_ transition: String, in document: FlowDocument) -> String? {
        let count = traffic.map { String(format: "%.0f", $0.edges["\(document.name): \(transition)"] ?? 0) }
        let parts = [condition(transition, in: document), count].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ": ")
    }

    package func dot() -> String {
        var out = "digraph flows {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=10];\n"
        for (f, document) in roots.enumerated() {
            let graph = set.graph(of: document)
            out += "  subgraph cluster_\(f) {\n    label=\"\(escape(document.name))\";\n"
            for path in graph.nodes {
                let kind = self.kind(of: path, in: document)
                var shape = isOutcome(path) ? ", shape=oval, color=darkgreen, fontcolor=darkgreen" : ""
                switch kind {
                case .queue: shape = ", shape=cylinder"
                case .hangup, .transfer: shape = ", shape=oval"
                case .menu, .speech, .hours, .branch: shape = ", shape=diamond, style=\"\""
                default: break
                }
                let hangUp = traffic?.nodes["\(document.name): \(path)"]?.hangUp ?? 0
                let colour = hangUp > 0.05 ? ", color=red, fontcolor=red" : ""
                out +=
                    "    \"\(escape(document.name)):\(escape(path))\" [label=\"\(escape(label(path, document.name, kind)))\"\(shape)\(colour)];\n"
            }
            out += "  }\n"
            for transition in graph.transitions {
                let ends = transition.components(separatedBy: " -> ")
                var attributes: [String] = []
                if let label = edgeLabel(transition, in: document) { attributes.append("label=\"\(escape(label))\"") }
                if let traffic {
                    let count = traffic.edges["\(document.name): \(transition)"] ?? 0
                    attributes.append(String(format: "penwidth=%.1f", 1 + 9 * count / maxTraffic))
                }
                let list = attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]"
                out +=
                    "  \"\(escape(document.name)):\(escape(ends[0]))\" -> \"\(escape(document.name)):\(escape(ends[1]))\"\(list);\n"
            }
        }
        return out + "}\n"
    }

    package func mermaid() -> String {
        var out = "flowchart LR\n"
        var ids: [String: String] = [:]
        var links = 0
        var styles: [String] = []
        for document in roots {
            let graph = set.graph(of: document)
            out += "  subgraph \(mermaidID(document.name))[\"\(document.name)\"]\n"
            for path in graph.nodes {
                let id = "n\(ids.count)"
                ids["\(document.name): \(path)"] = id
                let text = label(path, document.name, kind(of: path, in: document))
                    .replacingOccurrences(of: "\n", with: "<br/>").replacingOccurrences(of: "\"", with: "'")
                switch isOutcome(path) ? .hangup(outcome: .deflected) : kind(of: path, in: document) {
                case .queue: out += "    \(id)[(\"\(text)\")]\n"
                case .hangup, .transfer: out += "    \(id)([\"\(text)\"])\n"
                case .menu, .speech, .hours, .branch: out += "    \(id){\"\(text)\"}\n"
                default: out += "    \(id)[\"\(text)\"]\n"
                }
            }
            out += "  end\n"
            for transition in graph.transitions {
                let ends = transition.components(separatedBy: " -> ")
                guard let a = ids["\(document.name): \(ends[0])"], let b = ids["\(document.name): \(ends[1])"] else {
                    continue
                }
                if let label = edgeLabel(transition, in: document) {
                    out += "  \(a) -->|\(label.replacingOccurrences(of: "\"", with: "'"))| \(b)\n"
                } else {
                    out += "  \(a) --> \(b)\n"
                }
                if let traffic {
                    let count = traffic.edges["\(document.name): \(transition)"] ?? 0
                    styles.append(
                        String(format: "  linkStyle %d stroke-width:%.1fpx", links, 1 + 9 * count / maxTraffic))
                }
                links += 1
            }
        }
        return out + styles.joined(separator: "\n") + (styles.isEmpty ? "" : "\n")
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    func mermaidID(_ s: String) -> String { "f_" + s.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() }
}
