import ElectionRecord
import ElectionVerifier
import Forensics
import Foundation
import TransparencyLog

/// The official results of a verified record, as a commission publishes them: every question's
/// outcome, counts for every option and for empty answers, per scope with turnout, merged cells
/// marked, the verifier's verdict and the record's final signed tree head. Rendered as text,
/// HTML (and PDF from it), CSV and JSON.
struct OfficialResults: Codable {
    /// The language of the document's words and of the manifest's texts in it.
    var language: DocumentLanguage
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

    /// One scope's figures for one question, over the scope's precincts that ask it.
    typealias Row = QuestionScope

    /// Builds the results of a verified, decrypted record.
    static func build(
        record: LoadedRecord, manifest: Manifest, report: VerificationReport, language: DocumentLanguage = .en
    ) throws -> OfficialResults {
        guard report.ok else { throw StepFailure("the record does not verify: run `plebiscite verify` to see why") }
        guard report.result != nil,
            let result = record.entries.reversed().lazy.compactMap({ e -> ElectionResult? in
                if case .result(let r) = e.entry.payload { r } else { nil }
            }).first
        else { throw StepFailure("the record has no result yet (phase: \(report.phase))") }
        let scopes = result.questionScopes(manifest: manifest)
        let questions = zip(manifest.questions, scopes).map { q, scoped in
            QuestionResults(
                id: q.id, text: q.text, options: q.options, emptyCounted: q.maxSelections == 1,
                outcome: outcome(q, total: scoped.rows[0], language: language), rows: scoped.rows)
        }
        let s = report.statistics
        return OfficialResults(
            language: language, electionId: manifest.electionId, title: manifest.title, countingRule: manifest.rule.rawValue,
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
    static func outcome(_ q: Question, total: Row, language: DocumentLanguage = .en) -> Outcome {
        let counts = total.counts ?? Array(repeating: 0, count: q.options.count)
        let selections = counts.reduce(0, +)
        let l = language
        guard selections > 0 else { return Outcome(kind: "noVotes", leaders: [], statement: l.noVotes) }
        let top = counts.max()!
        let leaders = q.options.indices.filter { counts[$0] == top }.map { l.text(q.options[$0]) }
        func pct(_ ppm: Int) -> String { l.percent(Double(ppm) / 10_000, digits: 2) }
        func ppm(_ part: Int, _ whole: Int) -> Int { whole > 0 ? Int(Int64(part) * 1_000_000 / Int64(whole)) : 0 }
        if let rule = q.passing, let i = q.options.firstIndex(where: { $0.text == rule.option }) {
            var unmet = [String]()
            let option = l.text(q.options[i])
            let share = ppm(counts[i], selections), electorate = ppm(counts[i], total.voters)
            if let m = rule.minSharePPM, share < m { unmet.append(l.shareUnmet(option, share: pct(share), needed: pct(m))) }
            if let m = rule.minTurnoutPPM, total.turnoutPPM < m { unmet.append(l.turnoutUnmet(pct(total.turnoutPPM), needed: pct(m))) }
            if let m = rule.minElectoratePPM, electorate < m {
                unmet.append(l.electorateUnmet(option, share: pct(electorate), needed: pct(m)))
            }
            if unmet.isEmpty { return Outcome(kind: "approved", leaders: leaders, statement: l.approved(option, share: pct(share))) }
            return Outcome(kind: "rejected", leaders: leaders, statement: l.notApproved(unmet))
        }
        if leaders.count > 1 { return Outcome(kind: "tie", leaders: leaders, statement: l.tie(leaders, votes: top)) }
        let share = ppm(top, selections)
        return 2 * top > selections
            ? Outcome(kind: "majority", leaders: leaders, statement: l.majority(leaders[0], share: pct(share)))
            : Outcome(kind: "plurality", leaders: leaders, statement: l.plurality(leaders[0], share: pct(share)))
    }
}
