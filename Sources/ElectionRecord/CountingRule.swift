import Foundation
import PlebisciteCrypto
import Ristretto

/// The re-voting rule and the aggregation both the tallier and the verifier apply.
public enum CountingRule {
    /// Which of a credential's ballots counts (the manifest's `countingRule`).
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Each credential's last ballot in log order counts; any ballot may be replaced by a later one.
        case lastBallot
        /// As `lastBallot`, but a ballot cast on a station device is final: no ballot of that
        /// credential may follow it (PROTOCOL.md 6.4, check 6.10). A voter coerced at home overrides in person.
        case stationFinal
    }

    /// A ballot in log order, with its sequence number and its entry's time (which gives its voting day).
    public typealias Cast = (seq: Int, at: Date, ballot: EncryptedBallot)

    /// The counted ballots: for each credential not revoked, its last ballot in log order (SPEC 6;
    /// under `stationFinal` no ballot follows a station ballot, so that one is the last).
    /// Returns them in log order. Complexity: O(n).
    public static func counted(_ ballots: [Cast], revoked: Set<Element>) -> [Cast] {
        var last = [Element: Int]()
        for (i, b) in ballots.enumerated() { last[b.ballot.credential] = i }
        return ballots.enumerated().filter {
            last[$0.element.ballot.credential] == $0.offset && !revoked.contains($0.element.ballot.credential)
        }.map(\.element)
    }

    /// The tally of a closed log's accepted ballots: the counted ones summed per cell, small cells
    /// merged (PROTOCOL.md 6.3). What the tally entry must equal (checks 8.2, 9.1, 9.2).
    public static func tally(manifest: Manifest, ballots: [Cast], revoked: Set<Element>, workers: Int = 1) -> EncryptedTally {
        tally(manifest: manifest, counted: counted(ballots, revoked: revoked), workers: workers)
    }

    /// The same, from ballots already counted (`counted`), for a caller that needs them too.
    /// `points` holds ballots' selections decoded by verification, by the ballot's `seq`.
    public static func tally(
        manifest: Manifest, counted: [Cast], workers: Int = 1, points: [Int: [[CiphertextPoints]]] = [:]
    ) -> EncryptedTally {
        mergingSmallCells(aggregate(manifest: manifest, counted: counted, workers: workers, points: points), manifest: manifest)
    }

    /// Where cell `key` sorts: manifest precinct order, then channel order, then day.
    static func order(_ manifest: Manifest) -> (CellKey) -> (Int, Int, String) {
        let precincts = Dictionary(uniqueKeysWithValues: manifest.precincts.enumerated().map { ($1.id, $0) })
        let channels = Dictionary(uniqueKeysWithValues: manifest.channels.enumerated().map { ($1, $0) })
        return { key in (precincts[key.precinct] ?? .max, channels[key.channel] ?? .max, key.day ?? "") }
    }

    /// Sums the counted ballots per cell ((precinct, channel), or (precinct, channel, day) with
    /// `tallyDays`), per question and option. Cells come in manifest precinct order, then manifest
    /// channel order, then day; empty cells are left out.
    ///
    /// Complexity: O(ballots x options) group additions, spread over `workers` threads; two
    /// decodings per selection, except for ballots whose selections `points` holds (by `seq`).
    public static func aggregate(
        manifest: Manifest, counted: [Cast], workers: Int = 1, points: [Int: [[CiphertextPoints]]] = [:]
    ) -> EncryptedTally {
        let grouped = Dictionary(grouping: counted) {
            CellKey(precinct: $0.ballot.precinct, channel: $0.ballot.channel, day: manifest.tallyDay($0.at))
        }
        let sortKey = order(manifest)
        let keys = grouped.keys.filter { manifest.precinct($0.precinct) != nil && manifest.channels.contains($0.channel) }
            .sorted { sortKey($0) < sortKey($1) }
        let cells = Parallel.map(keys, workers: workers) { key -> TallyCell in
            let ballots = grouped[key]!
            let style = manifest.precinct(key.precinct)!.questions
            let questions = style.map { qid -> QuestionSums in
                let options = manifest.question(qid)?.options.count ?? 0
                var sums = [CiphertextSum](repeating: CiphertextSum(), count: options)
                for b in ballots {
                    guard let a = b.ballot.answers.firstIndex(where: { $0.question == qid }),
                        b.ballot.answers[a].selections.count == options
                    else { continue }
                    if let decoded = points[b.seq], decoded.count == b.ballot.answers.count, decoded[a].count == options {
                        for i in 0..<options { sums[i].add(decoded[a][i]) }
                    } else {
                        for i in 0..<options { sums[i].add(b.ballot.answers[a].selections[i].ciphertext) }
                    }
                }
                return QuestionSums(question: qid, sums: sums.map(\.value))
            }
            return TallyCell(precinct: key.precinct, channel: key.channel, day: key.day, ballots: ballots.count, questions: questions)
        }
        return EncryptedTally(cells: cells)
    }

    /// The sum of two tallies of disjoint ballots (say, of two pages of the log): cells and sums
    /// added, cells in manifest precinct order then channel order, as `aggregate` gives them.
    /// `aggregate(a + b) == merge(aggregate(a), aggregate(b))`. Complexity: O(cells x options).
    public static func merge(_ a: EncryptedTally, _ b: EncryptedTally, manifest: Manifest) -> EncryptedTally {
        var cells = [CellKey: TallyCell]()
        for cell in a.cells + b.cells {
            guard var sum = cells[cell.key] else {
                cells[cell.key] = cell
                continue
            }
            sum.ballots += cell.ballots
            for (q, question) in cell.questions.enumerated() {
                for (i, c) in question.sums.enumerated() { sum.questions[q].sums[i] += c }
            }
            cells[cell.key] = sum
        }
        let sortKey = order(manifest)
        return EncryptedTally(cells: cells.keys.sorted { sortKey($0) < sortKey($1) }.map { cells[$0]! })
    }
}
