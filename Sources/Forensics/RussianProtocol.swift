import Foundation

/// The rows of a Russian election commission's protocol, recognised by their meaning in any year's
/// wording (presidential 2000-2024, Duma 2003-2021, the 2020 vote), and the candidate or party
/// columns after them. Kobak et al.'s definitions: turnout = ballots issued (early, at the station,
/// outside it) over registered voters; the leader's share over valid plus invalid ballots. Where
/// the protocol has no valid-ballot row (the 2020 vote), the ballots found in the boxes serve both.
/// The valid-ballot row is also kept on its own, for the Klimek model (the authors' definitions).
public enum RussianProtocol {
    public static let name = "russianProtocol"

    /// Columns that identify or describe a station, never a count.
    static let descriptive: Set<String> = ["level", "name", "region", "oik", "tik", "uik", "url", "id"]

    /// A header reduced to its words: lowercase, ё as е, punctuation and runs of space as one space.
    static func words(_ header: String) -> String {
        let lowered = header.lowercased().replacingOccurrences(of: "ё", with: "е")
        let letters = lowered.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : " " }
        return String(letters).split(separator: " ").joined(separator: " ")
    }

    /// A header's words, asked for by their stems.
    struct Row {
        let words: [Substring]
        init(_ words: String) { self.words = words.split(separator: " ") }
        /// Whether a word starts with `stem`.
        func has(_ stem: String) -> Bool { words.contains { $0.hasPrefix(stem) } }
        /// A protocol row: "Число ..." or "Количество ...", also abbreviated ("Чис.", "Кол-во").
        var isCount: Bool { words.first.map { $0.hasPrefix("чис") || $0.hasPrefix("колич") || $0 == "кол" } ?? false }
    }

    /// The mapping with its roles filled from `header`, and the candidate columns.
    static func recognize(_ header: [String], mapping: ColumnMapping) throws(ForensicsInputError) -> (ColumnMapping, [String]) {
        let w = header.map(words)
        func columns(_ test: (Row) -> Bool) -> [String] { header.indices.filter { test(Row(w[$0])) }.map { header[$0] } }
        // Each row by the stems of its words, in any order, singular or plural, full or abbreviated:
        // "Число избирателей, внесенных в списки избирателей", "Число изб., включенных в список",
        // "Число бюл. в стационарных ящиках", "Число участников голосования, включенных в список".
        let ballot = { (r: Row) in r.has("бюл") && !r.has("открепит") }
        let registered = columns {
            $0.isCount && !ballot($0) && ($0.has("изб") || $0.has("участ")) && ($0.has("включ") || $0.has("внес")) && $0.has("спис")
        }
        let issued = columns { $0.isCount && ballot($0) && $0.has("выд") && !$0.has("получ") && !$0.has("погаш") }
        let invalid = columns { $0.isCount && ballot($0) && $0.has("недейств") }
        let valid = columns { $0.isCount && ballot($0) && $0.has("действ") && !$0.has("недейств") }
        let boxes = columns { $0.isCount && ballot($0) && $0.has("ящ") }
        let candidates = header.indices.filter { !Row(w[$0]).isCount && !descriptive.contains(w[$0]) && !w[$0].isEmpty }.map { header[$0] }
        var m = mapping
        m.registered = registered
        if !valid.isEmpty && !invalid.isEmpty {
            m.ballots = issued
            m.counted = valid + invalid
            m.valid = valid
        } else {
            m.ballots = boxes
            m.counted = boxes
        }
        m.id = ["region", "oik", "tik", "uik"].filter { name in header.contains(name) }
        m.strata = (m.strata ?? []).filter { header.contains($0) }
        m.recognize = nil
        var unfilled = [String]()
        if m.registered.count != 1 {
            unfilled.append(
                "registered voters (a row 'Число избирателей/участников, включенных/внесенных в список'): found \(m.registered.count)")
        }
        if m.ballots.isEmpty { unfilled.append("ballots issued ('... бюллетеней, выданных ...') or in the boxes ('... в ящиках ...')") }
        if m.counted?.isEmpty != false {
            unfilled.append("ballots counted ('Число действительных' and 'недействительных бюллетеней', or those in the boxes)")
        }
        if candidates.isEmpty && m.leader.isEmpty { unfilled.append("candidates or parties (columns after the protocol rows)") }
        guard unfilled.isEmpty else { throw .unrecognized(unfilled, available: header) }
        return (m, m.leader.isEmpty ? candidates : [])
    }

    /// The candidate with the most votes over all rows, or the one `named` (its exact header, or a
    /// unique header containing it, case aside).
    static func leader(among candidates: [String], named: String?, table: CSVTable) throws(ForensicsInputError) -> String {
        if let named {
            if candidates.contains(named) { return named }
            let matches = candidates.filter { $0.lowercased().contains(named.lowercased()) }
            guard matches.count == 1 else {
                throw .badMapping(
                    "--leader-name '\(named)' matches \(matches.count) candidates; the candidates are: \(candidates.joined(separator: " | "))"
                )
            }
            return matches[0]
        }
        let indices = candidates.compactMap { table.column($0) }
        var totals = [Int](repeating: 0, count: indices.count)
        for row in table.rows {
            for (k, i) in indices.enumerated() where i < row.count { totals[k] += StationTable.plausibleCount(row[i]) ?? 0 }
        }
        guard let best = totals.indices.max(by: { totals[$0] < totals[$1] }) else { throw .badMapping("no candidate column") }
        return candidates[best]
    }
}
