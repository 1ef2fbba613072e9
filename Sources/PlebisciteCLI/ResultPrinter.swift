import ElectionRecord
import ElectionVerifier
import Foundation

/// Human-readable tables of results and verification reports.
enum ResultPrinter {
    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "   -  " : String(format: "%5.1f%%", Double(part) * 100 / Double(whole))
    }

    /// Results per region, channel and in total, with turnout and shares per option.
    static func results(_ summary: ResultSummary, manifest: Manifest) -> String {
        var out = ""
        for q in manifest.questions {
            out += "\n\(q.text)  [\(q.id)]\n"
            let header =
                "  " + "scope".padding(toLength: 28, withPad: " ", startingAt: 0) + "ballots  turnout"
                + q.options.map { "  " + $0.text.padding(toLength: 14, withPad: " ", startingAt: 0) }.joined()
            out += header + "\n"
            /// A scope's row; the ballots of merged aggregates reaching beyond it are counted in its
            /// ballots and turnout, not in its shares (PROTOCOL.md 6.3).
            func line(_ s: ScopeResult, indent: String = "") -> String? {
                let name = (indent + s.name.text).padding(toLength: 28, withPad: " ", startingAt: 0)
                let merged = s.ballotsMergedOut.map { "  (\($0) ballots in aggregates merged beyond this scope)" } ?? ""
                guard let counts = s.questions.first(where: { $0.question == q.id })?.counts else {
                    guard s.ballotsMergedOut != nil else { return nil }
                    return "  \(name)\(String(s.ballots).leftPad(7))  \(String(format: "%5.1f%%", s.turnout * 100))" + merged
                }
                let answered = counts.reduce(0, +)
                let cells = counts.map { c in
                    (String(c).leftPad(7) + " " + percent(c, of: answered)).padding(toLength: 14, withPad: " ", startingAt: 0)
                }
                return "  \(name)\(String(s.ballots).leftPad(7))  \(String(format: "%5.1f%%", s.turnout * 100))"
                    + cells.map { "  " + $0 }.joined() + merged
            }
            for r in summary.regions { if let l = line(r) { out += l + "\n" } }
            for c in summary.channels { if let l = line(c, indent: "channel: ") { out += l + "\n" } }
            for d in summary.days ?? [] { if let l = line(d, indent: "day: ") { out += l + "\n" } }
            var total = summary.total
            total.name = "TOTAL"
            if let l = line(total) { out += l + "\n" }
        }
        return out
    }

    /// The verifier's verdict: each check with its items, then every failure.
    static func report(_ r: VerificationReport, verbose: Bool = false) -> String {
        var out = ""
        for c in r.checks where verbose || c.status == .failed {
            let mark = c.status == .passed ? "ok  " : c.status == .failed ? "FAIL" : "--  "
            out += "  \(mark) \(c.check.padding(toLength: 5, withPad: " ", startingAt: 0)) \(c.title) (\(c.itemsChecked) checked)\n"
        }
        for f in r.failures.prefix(200) { out += "  - \(f)\n" }
        if r.failures.count > 200 { out += "  ... and \(r.failures.count - 200) more failures (use --json for all)\n" }
        let s = r.statistics
        let passed = r.checks.filter { $0.status == .passed }.count
        let failed = r.checks.filter { $0.status == .failed }.count
        out += String(
            format:
                "Verifier: %@. %d checks passed, %d failed (phase: %@). %d entries, %d ballots (%d counted, %d superseded by a later ballot of the same credential, %d of revoked credentials; %d spoiled) in %.2f s, %.0f ballots/s on %d thread(s).\n",
            r.ok ? "VALID" : "INVALID", passed, failed, r.phase, s.entries, s.ballots, s.countedBallots, s.supersededBallots,
            s.revokedBallots, s.spoiledBallots,
            s.seconds, s.ballotsPerSecond, s.workers)
        return out
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
