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

    /// The mapping with its roles filled from `header`, and the candidate columns.
    static func recognize(_ header: [String], mapping: ColumnMapping) throws(ForensicsInputError) -> (ColumnMapping, [String]) {
        let w = header.map(words)
        func columns(_ test: (String) -> Bool) -> [String] { header.indices.filter { test(w[$0]) }.map { header[$0] } }
        let isCount = { (h: String) in h.hasPrefix("число") }
        let ballot = { (h: String) in h.contains("бюллетен") && !h.contains("открепительн") }
        let registered = columns { isCount($0) && ($0.contains("включенных в список") || $0.contains("внесенных в список")) }
        let issued = columns { isCount($0) && ballot($0) && $0.contains("выданных") }
        let invalid = columns { isCount($0) && ballot($0) && $0.contains("недействительных") }
        let valid = columns { isCount($0) && ballot($0) && $0.contains("действительных") && !$0.contains("недействительных") }
        let boxes = columns { isCount($0) && ballot($0) && $0.contains("ящик") }
        let candidates = header.indices.filter { !isCount(w[$0]) && !descriptive.contains(w[$0]) && !w[$0].isEmpty }.map { header[$0] }
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
            for (k, i) in indices.enumerated() where i < row.count { totals[k] += Int(row[i].trimmingCharacters(in: .whitespaces)) ?? 0 }
        }
        guard let best = totals.indices.max(by: { totals[$0] < totals[$1] }) else { throw .badMapping("no candidate column") }
        return candidates[best]
    }
}
