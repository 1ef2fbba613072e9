import ElectionRecord
import ElectionVerifier
import Foundation

/// Human-readable tables of results and verification reports.
enum ResultPrinter {
    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "   -  " : String(format: "%5.1f%%", Double(part) * 100 / Double(whole))
    }

    /// Results per region, channel, day and in total, with turnout and shares per option; each
    /// question's figures over the precincts that ask it (`ElectionResult.questionScopes`).
    static func results(_ result: ElectionResult, manifest: Manifest) -> String {
        var out = ""
        for (q, scoped) in zip(manifest.questions, result.questionScopes(manifest: manifest)) {
            out += "\n\(q.text)  [\(q.id)]\n"
            let header =
                "  " + "scope".padding(toLength: 28, withPad: " ", startingAt: 0) + " voters  ballots  turnout"
                + q.options.map { "  " + $0.text.padding(toLength: 14, withPad: " ", startingAt: 0) }.joined()
            out += header + "\n"
            /// A scope's row; the ballots of merged aggregates reaching beyond it are counted in its
            /// ballots and turnout, not in its shares (PROTOCOL.md 6.3).
            func line(_ s: QuestionScope) -> String? {
                let label =
                    switch s.scope {
                    case .total: "TOTAL"
                    case .channel: "channel: \(s.name.text)"
                    case .day: "day: \(s.name.text)"
                    case .region, .precinct: s.name.text
                    }
                let name = label.padding(toLength: 28, withPad: " ", startingAt: 0)
                let figures =
                    "\(String(s.voters).leftPad(7))\(String(s.ballots).leftPad(9))  \(String(format: "%6.1f%%", Double(s.turnoutPPM) / 10_000))"
                let merged = s.mergedOut.map { "  (\($0) ballots in aggregates merged beyond this scope)" } ?? ""
                guard let counts = s.counts else { return s.mergedOut == nil ? nil : "  \(name)\(figures)" + merged }
                let selections = counts.reduce(0, +)
                let cells = counts.map { c in
                    (String(c).leftPad(7) + " " + percent(c, of: selections)).padding(toLength: 14, withPad: " ", startingAt: 0)
                }
                return "  \(name)\(figures)" + cells.map { "  " + $0 }.joined() + merged
            }
            let rows = scoped.rows.filter { $0.scope != .precinct }
            for r in rows.dropFirst() + rows.prefix(1) { if let l = line(r) { out += l + "\n" } }
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
