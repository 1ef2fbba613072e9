import ElectionRecord
import ElectionVerifier
import Foundation
import TransparencyLog

/// The official results of a verified record, as a commission publishes them: every question's
/// outcome, counts for every option and for empty answers, per scope with turnout, merged cells
/// marked, the verifier's verdict and the record's final signed tree head. Rendered as text,
/// HTML (and PDF from it), CSV and JSON.
struct OfficialResults: Codable {
    var electionId: String
    var title: LocalizedText
    var countingRule: String
    var minimumCell: Int
    var verdict: Verdict
    /// The last signed tree head of the record (what anyone can compare with the board's).
    var finalTreeHead: SignedTreeHead?
    var questions: [QuestionResults]
    /// Each decrypted aggregate that merges small cells: its cells, as "precinct/channel[/day]".
    var mergedAggregates: [[String]]

    struct Verdict: Codable {
        var valid: Bool
        var checksPassed: Int
        var checksFailed: Int
        var entries: Int
        var ballots: Int
        var countedBallots: Int
    }

    struct QuestionResults: Codable {
        var id: String
        var text: LocalizedText
        var options: [LocalizedText]
        /// Whether "empty" (no option selected) can be told from the counts: yes when at most one
        /// option may be selected (empty = ballots with the question less selections).
        var emptyCounted: Bool
        var outcome: Outcome
        var rows: [Row]
    }

    /// What the question's total says, in words and as data.
    struct Outcome: Codable {
        /// `approved`, `rejected` (with a passing rule), `majority`, `plurality`, `tie`, `noVotes`.
        var kind: String
        /// The options with the most votes (several on a tie).
        var leaders: [String]
        var statement: String
    }

    /// One scope's figures for one question.
    struct Row: Codable {
        /// `total`, `region`, `precinct`, `channel` or `day`.
        var scope: String
        var id: String
        var name: LocalizedText
        var voters: Int
        var ballots: Int
        var turnoutPPM: Int
        /// Ballots that carried the question and whose counts are the scope's own.
        var answered: Int?
        /// Per option, in option order; nil when every ballot of the scope lies in aggregates merged beyond it.
        var counts: [Int]?
        var empty: Int?
        /// Ballots of the scope counted in aggregates merged beyond it (in `ballots`, not in `counts`).
        var mergedOut: Int?
    }

    /// Builds the results of a verified, decrypted record.
    static func build(record: LoadedRecord, manifest: Manifest, report: VerificationReport) throws -> OfficialResults {
        guard report.ok else { throw StepFailure("the record does not verify: run `plebiscite verify` to see why") }
        guard let summary = report.result,
            let result = record.entries.reversed().lazy.compactMap({ e -> ElectionResult? in
                if case .result(let r) = e.entry.payload { r } else { nil }
            }).first
        else { throw StepFailure("the record has no result yet (phase: \(report.phase))") }
        let precinctQuestions = Dictionary(uniqueKeysWithValues: manifest.precincts.map { ($0.id, Set($0.questions)) })
        let regionOf = Dictionary(
            uniqueKeysWithValues: manifest.regions.flatMap { r in r.precincts.map { ($0.id, r.id) } })

        /// The ballots carrying `question` in the result cells wholly inside a scope.
        func answered(_ question: String, _ inScope: (CellMember) -> Bool) -> Int {
            result.cells.filter { $0.cells.allSatisfy(inScope) }.flatMap(\.cells)
                .filter { precinctQuestions[$0.precinct]?.contains(question) == true }.reduce(0) { $0 + $1.ballots }
        }
        var questions = [QuestionResults]()
        for q in manifest.questions {
            let emptyCounted = q.maxSelections == 1
            func row(_ kind: String, _ s: ScopeResult, _ inScope: (CellMember) -> Bool) -> Row {
                let counts = s.questions.first { $0.question == q.id }?.counts
                let n = answered(q.id, inScope)
                return Row(
                    scope: kind, id: s.id, name: s.name, voters: s.credentials, ballots: s.ballots, turnoutPPM: s.turnoutPPM,
                    answered: counts == nil ? nil : n, counts: counts,
                    empty: counts.flatMap { c in emptyCounted ? n - c.reduce(0, +) : nil }, mergedOut: s.ballotsMergedOut)
            }
            let asking = Set(manifest.precincts.filter { $0.questions.contains(q.id) }.map(\.id))
            var rows = [row("total", summary.total) { _ in true }]
            for r in summary.regions
            where manifest.regions.first(where: { $0.id == r.id })?.precincts.contains(where: { asking.contains($0.id) }) == true {
                rows.append(row("region", r) { regionOf[$0.precinct] == r.id })
            }
            for p in summary.precincts where asking.contains(p.id) { rows.append(row("precinct", p) { $0.precinct == p.id }) }
            for c in summary.channels where c.ballots > 0 { rows.append(row("channel", c) { $0.channel.rawValue == c.id }) }
            for d in summary.days ?? [] where d.ballots > 0 { rows.append(row("day", d) { $0.day == d.id }) }
            questions.append(
                QuestionResults(
                    id: q.id, text: q.text, options: q.options, emptyCounted: emptyCounted,
                    outcome: outcome(q, total: rows[0]), rows: rows))
        }
        let s = report.statistics
        return OfficialResults(
            electionId: manifest.electionId, title: manifest.title, countingRule: manifest.rule.rawValue,
            minimumCell: manifest.cellMinimum,
            verdict: Verdict(
                valid: report.ok, checksPassed: report.checks.count { $0.status == .passed },
                checksFailed: report.checks.count { $0.status == .failed }, entries: s.entries, ballots: s.ballots,
                countedBallots: s.countedBallots),
            finalTreeHead: record.treeHeads.last, questions: questions,
            mergedAggregates: result.cells.compactMap { c in c.members.map { $0.map(\.label) } })
    }

    /// A question's outcome from its total: the passing rule when the manifest sets one, else
    /// the option with the most votes (a majority when it has more than half of the selections).
    static func outcome(_ q: Question, total: Row) -> Outcome {
        let counts = total.counts ?? Array(repeating: 0, count: q.options.count)
        let selections = counts.reduce(0, +)
        guard selections > 0 else { return Outcome(kind: "noVotes", leaders: [], statement: "No votes were cast on this question.") }
        let top = counts.max()!
        let leaders = q.options.indices.filter { counts[$0] == top }.map { q.options[$0].text }
        func pct(_ ppm: Int) -> String { String(format: "%.2f%%", Double(ppm) / 10_000) }
        func ppm(_ part: Int, _ whole: Int) -> Int { whole > 0 ? Int(Int64(part) * 1_000_000 / Int64(whole)) : 0 }
        if let rule = q.passing, let i = q.options.firstIndex(where: { $0.text == rule.option }) {
            var unmet = [String]()
            let share = ppm(counts[i], selections), electorate = ppm(counts[i], total.voters)
            if let m = rule.minSharePPM, share < m { unmet.append("\(rule.option) has \(pct(share)) of the selections, \(pct(m)) needed") }
            if let m = rule.minTurnoutPPM, total.turnoutPPM < m { unmet.append("turnout is \(pct(total.turnoutPPM)), \(pct(m)) needed") }
            if let m = rule.minElectoratePPM, electorate < m {
                unmet.append("\(rule.option) has \(pct(electorate)) of all voters, \(pct(m)) needed")
            }
            if unmet.isEmpty {
                return Outcome(
                    kind: "approved", leaders: leaders,
                    statement: "Approved: \(rule.option) has \(pct(share)) of the selections and every condition is met.")
            }
            return Outcome(kind: "rejected", leaders: leaders, statement: "Not approved: " + unmet.joined(separator: "; ") + ".")
        }
        if leaders.count > 1 {
            return Outcome(kind: "tie", leaders: leaders, statement: "Tie: \(leaders.joined(separator: " and ")) have \(top) votes each.")
        }
        let share = ppm(top, selections)
        return 2 * top > selections
            ? Outcome(kind: "majority", leaders: leaders, statement: "Majority: \(leaders[0]), with \(pct(share)) of the selections.")
            : Outcome(
                kind: "plurality", leaders: leaders,
                statement: "Most votes: \(leaders[0]), with \(pct(share)) of the selections (no majority).")
    }
}
