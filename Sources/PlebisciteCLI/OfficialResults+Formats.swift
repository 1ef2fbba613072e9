import ElectionRecord
import Forensics
import Foundation

extension OfficialResults {
    func percent(_ ppm: Int) -> String { String(format: "%.1f%%", Double(ppm) / 10_000) }
    func share(_ part: Int, _ whole: Int) -> String { whole > 0 ? String(format: "%.1f%%", Double(part) * 100 / Double(whole)) : "-" }

    /// The lines that close every format: how the counts were protected and checked.
    var footnotes: [String] {
        var out = [
            "Verifier: \(verdict.valid ? "VALID" : "INVALID"), \(verdict.checksPassed) checks passed, \(verdict.checksFailed) failed; \(verdict.entries) entries, \(verdict.ballots) ballots, \(verdict.countedBallots) counted."
        ]
        if let h = finalTreeHead {
            let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(h.timestamp) / 1000))
            out.append(
                "Final signed tree head: size \(h.size), root \(h.root), signed for \(time) (timestamp \(h.timestamp) ms), signature \(h.signature)."
            )
        }
        out.append(
            minimumCell > 1
                ? "Counting rule: \(countingRule); no decrypted aggregate covers fewer than \(minimumCell) ballots unless it is a whole region."
                : "Counting rule: \(countingRule); every cell is decrypted on its own (no minimum cell size).")
        for m in mergedAggregates { out.append("Merged cells (counted together): \(m.joined(separator: ", ")).") }
        if mergedAggregates.contains(where: { _ in true }) {
            out.append(
                "A scope marked * has ballots in merged aggregates reaching beyond it: in its ballots and turnout, not in its counts.")
        }
        return out
    }

    // MARK: - Text

    var text: String {
        var out = "\(title)\nOfficial results of election \(electionId)\n"
        for q in questions {
            out += "\n\(q.text)  [\(q.id)]\n  \(q.outcome.statement)\n"
            let header =
                "  " + "scope".padding(toLength: 30, withPad: " ", startingAt: 0) + "voters  ballots  turnout"
                + (q.options.map(\.text) + (q.emptyCounted ? ["(empty)"] : [])).map {
                    "  " + $0.padding(toLength: 15, withPad: " ", startingAt: 0)
                }
                .joined()
            out += header + "\n"
            for r in q.rows {
                let label =
                    (r.scope == .total
                        ? "TOTAL" : r.scope == .channel ? "channel: \(r.name)" : r.scope == .precinct ? "  \(r.name)" : r.name.text)
                    + (r.mergedOut != nil ? " *" : "")
                var line =
                    "  " + label.padding(toLength: 30, withPad: " ", startingAt: 0) + String(r.voters).leftPad(6)
                    + String(r.ballots).leftPad(9)
                    + percent(r.turnoutPPM).leftPad(9)
                if let counts = r.counts {
                    let whole = counts.reduce(0, +)
                    line += counts.map {
                        "  " + "\(String($0).leftPad(7)) \(share($0, whole).leftPad(6))".padding(toLength: 15, withPad: " ", startingAt: 0)
                    }.joined()
                    if let e = r.empty { line += "  " + String(e).leftPad(7) }
                } else {
                    line += "  (counted with other cells)"
                }
                out += line + "\n"
            }
        }
        return out + "\n" + footnotes.joined(separator: "\n") + "\n"
    }

    // MARK: - CSV

    /// One line per question, scope and option (and empty), with the scope's figures.
    var csv: String {
        var out = "question,scope,id,name,voters,ballots,turnout_ppm,answered,option,votes,merged_out\n"
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        for q in questions {
            for r in q.rows {
                let base = [
                    q.id, r.scope.rawValue, r.id, r.name.text, "\(r.voters)", "\(r.ballots)", "\(r.turnoutPPM)",
                    r.answered.map(String.init) ?? "",
                ]
                var votes = q.options.enumerated().map { i, option in (option.text, r.counts.map { String($0[i]) } ?? "") }
                if q.emptyCounted { votes.append(("(empty)", r.empty.map(String.init) ?? "")) }
                for (option, v) in votes {
                    out += (base + [option, v, r.mergedOut.map(String.init) ?? ""]).map(field).joined(separator: ",") + "\n"
                }
            }
        }
        return out
    }

    // MARK: - HTML

    /// A print-ready page: no script, no external resource.
    var html: String {
        let e = HTML.escape
        var body = "<h1>\(e(title.text))</h1>\n<p class=\"sub\">Official results of election <code>\(e(electionId))</code></p>\n"
        for q in questions {
            body +=
                "<section>\n<h2>\(e(q.text.text)) <small>[\(e(q.id))]</small></h2>\n<p class=\"outcome \(q.outcome.kind)\">\(e(q.outcome.statement))</p>\n"
            body +=
                "<table>\n<thead><tr><th scope=\"col\">Scope</th><th scope=\"col\">Voters</th><th scope=\"col\">Ballots</th><th scope=\"col\">Turnout</th>"
            for o in q.options { body += "<th scope=\"col\">\(e(o.text))</th>" }
            if q.emptyCounted { body += "<th scope=\"col\">Empty</th>" }
            body += "</tr></thead>\n<tbody>\n"
            for r in q.rows {
                let name =
                    (r.scope == .channel ? "Channel: " : "") + (r.scope == .total ? "Total" : r.name.text)
                    + (r.mergedOut != nil ? " *" : "")
                body +=
                    "<tr class=\"\(r.scope.rawValue)\"><th scope=\"row\">\(e(name))</th><td>\(r.voters)</td><td>\(r.ballots)</td><td>\(percent(r.turnoutPPM))</td>"
                if let counts = r.counts {
                    let whole = counts.reduce(0, +)
                    for c in counts { body += "<td>\(c) <span class=\"pct\">\(share(c, whole))</span></td>" }
                    if let empty = r.empty { body += "<td>\(empty)</td>" }
                } else {
                    body += "<td colspan=\"\(q.options.count + (q.emptyCounted ? 1 : 0))\">counted with other cells</td>"
                }
                body += "</tr>\n"
            }
            body += "</tbody>\n</table>\n</section>\n"
        }
        body += "<footer>\n" + footnotes.map { "<p>\(e($0))</p>" }.joined(separator: "\n") + "\n</footer>\n"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(e(title.text)): official results</title>
            <style>
            body { font-family: "DejaVu Sans", sans-serif; margin: 2em; color: #111; }
            h1 { font-size: 1.6em; margin-bottom: 0; } .sub { color: #444; margin-top: .2em; }
            table { border-collapse: collapse; margin: .5em 0 1.5em; font-size: .9em; }
            th, td { border: 1px solid #999; padding: .25em .6em; text-align: right; }
            th[scope=row] { text-align: left; } tr.total { font-weight: bold; } tr.precinct th { padding-left: 1.5em; font-weight: normal; }
            .pct { color: #555; font-size: .85em; } .outcome { font-weight: bold; }
            footer { font-size: .8em; color: #333; overflow-wrap: anywhere; }
            section { break-inside: avoid; }
            </style></head><body>
            \(body)</body></html>

            """
    }
}
