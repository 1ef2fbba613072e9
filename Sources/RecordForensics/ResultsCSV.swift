import ElectionRecord
import Forensics
import Foundation

/// Precinct rows of a verified record, as the `plebiscite` forensics preset reads them.
public enum ResultsCSV {
    /// One row per precinct whose counts are its own: a precinct with ballots in an aggregate
    /// merged beyond it (PROTOCOL.md 6.3) has no counts of its own to test, and is left out.
    public static func csv(_ summary: ResultSummary, manifest: Manifest) -> String {
        var out = "precinct,region,registered,ballots," + optionColumns(manifest) + "\n"
        for p in summary.precincts where p.ballotsMergedOut == nil {
            let region = manifest.region(ofPrecinct: p.id)?.id ?? ""
            out += "\(p.id),\(region),\(p.credentials),\(p.ballots)," + optionCounts(p.questions, manifest: manifest) + "\n"
        }
        return out
    }

    /// The option columns: the first question's options by their text, the others' as `question:option`.
    static func optionColumns(_ manifest: Manifest) -> String {
        var columns = manifest.questions.first?.options.map(\.text) ?? []
        for q in manifest.questions.dropFirst() { columns += q.options.map { "\(q.id):\($0)" } }
        return columns.joined(separator: ",")
    }

    /// A row's counts in `optionColumns` order, 0 for a question the scope or cell does not have.
    static func optionCounts(_ questions: [QuestionCounts], manifest: Manifest) -> String {
        manifest.questions.flatMap { q in
            questions.first { $0.question == q.id }?.counts ?? Array(repeating: 0, count: q.options.count)
        }.map(String.init).joined(separator: ",")
    }

    /// The first question's option with the most votes in the total (the first of them on a tie):
    /// the leader the forensics of a record test, as the official results name it.
    public static func leader(_ summary: ResultSummary, manifest: Manifest) -> String? {
        guard let q = manifest.questions.first, let counts = summary.total.questions.first(where: { $0.question == q.id })?.counts,
            let top = counts.max(), let i = counts.firstIndex(of: top)
        else { return nil }
        return q.options[i].text
    }

    /// One row per tally cell whose counts are its own (not merged), with its channel, and its day
    /// when the manifest tallies per day: the channels and days of one election compared as strata.
    /// A cell's turnout is its ballots over the precinct's voters (the share of the roll that voted
    /// through that channel on that day).
    public static func channelCSV(_ result: ElectionResult, summary: ResultSummary, manifest: Manifest) -> String {
        let perDay = manifest.tallyDays != nil
        var out = "precinct,region,channel," + (perDay ? "day," : "") + "registered,ballots," + optionColumns(manifest) + "\n"
        let voters = Dictionary(uniqueKeysWithValues: summary.precincts.map { ($0.id, $0.credentials) })
        for cell in result.cells where cell.members == nil {
            let region = manifest.region(ofPrecinct: cell.precinct)?.id ?? ""
            out +=
                "\(cell.precinct),\(region),\(cell.channel.rawValue)," + (perDay ? "\(cell.day ?? "")," : "")
                + "\(voters[cell.precinct] ?? 0),\(cell.ballots),"
                + optionCounts(cell.questions, manifest: manifest) + "\n"
        }
        return out
    }
}

extension ResultsCSV {
    /// The forensics of a verified result: its precinct rows tested as the `plebiscite` preset
    /// reads them, the first question's winner as the leader. nil when no precinct has counts of
    /// its own (small cells merged across precincts).
    public static func analysis(
        _ summary: ResultSummary, manifest: Manifest, source: String, draws: Int = 1_000, workers: Int = 1
    ) throws(ForensicsInputError) -> ForensicsReport? {
        guard summary.precincts.contains(where: { $0.ballotsMergedOut == nil && $0.ballots > 0 }) else { return nil }
        var mapping = Preset.plebiscite.mapping
        if let leader = leader(summary, manifest: manifest) { mapping.leader = [leader] }
        let table = try StationTable.parse(Array(csv(summary, manifest: manifest).utf8), mapping: mapping)
        var options = ForensicsOptions()
        options.draws = draws
        options.workers = workers
        return ForensicsAnalysis.run(table, source: source, options: options)
    }
}
