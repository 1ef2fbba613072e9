/// One question's figures in one scope, over the precincts of the scope that ask it: a question
/// on some ballots only has its own voters, ballots and turnout, which the summary's scopes (over
/// every precinct) do not give.
public struct QuestionScope: Codable, Sendable, Equatable {
    /// What a scope is.
    public enum Kind: String, Codable, Sendable { case total, region, precinct, channel, day }

    public var scope: Kind
    public var id: String
    public var name: LocalizedText
    /// Voters listed in the scope's precincts that ask the question (for a channel or a day: in
    /// every precinct that asks it).
    public var voters: Int
    /// Counted ballots of those precincts in the scope.
    public var ballots: Int
    /// `ballots` over `voters`, in parts per million.
    public var turnoutPPM: Int
    /// Of `ballots`, those in aggregates wholly inside the scope, whose counts are its own; nil
    /// without counts.
    public var answered: Int?
    /// Per option, in option order; nil when every ballot lies in aggregates merged beyond the scope.
    public var counts: [Int]?
    /// Answers with no option selected: `answered` less the selections, given when at most one
    /// option may be selected (otherwise selections do not tell ballots apart).
    public var empty: Int?
    /// Of `ballots`, those in aggregates reaching beyond the scope (absent when none).
    public var mergedOut: Int?
}

/// A question's rows: the total, then its regions, precincts, channels and days.
public struct QuestionScopes: Codable, Sendable, Equatable {
    public var question: String
    public var rows: [QuestionScope]
}

extension ElectionResult {
    /// Every question's figures per scope, over the precincts that ask it: the total; the regions
    /// and precincts that ask it; the channels and days with its ballots. Voters per precinct are
    /// the summary's.
    ///
    /// Complexity: O(questions x (channels + days + 3) x cells x members), each precinct's and
    /// region's rows reading only the cells that hold it.
    public func questionScopes(manifest: Manifest) -> [QuestionScopes] {
        let voters = Dictionary(summary.precincts.map { ($0.id, $0.credentials) }, uniquingKeysWith: { a, _ in a })
        let regionOf = Dictionary(
            manifest.regions.flatMap { r in r.precincts.map { ($0.id, r.id) } }, uniquingKeysWith: { a, _ in a })
        var cellsOfPrecinct = [String: [Int]](), cellsOfRegion = [String: [Int]]()
        for (i, cell) in cells.enumerated() {
            for p in Set(cell.cells.map(\.precinct)) { cellsOfPrecinct[p, default: []].append(i) }
            for r in Set(cell.cells.compactMap { regionOf[$0.precinct] }) { cellsOfRegion[r, default: []].append(i) }
        }
        let all = Array(cells.indices)
        return manifest.questions.map { q in
            let asking = Set(manifest.precincts.filter { $0.questions.contains(q.id) }.map(\.id))
            let askingVoters = asking.reduce(0) { $0 + (voters[$1] ?? 0) }
            /// The row of the scope whose members `inScope` picks, among `candidates` (the cells that may hold one).
            func row(
                _ kind: QuestionScope.Kind, _ id: String, _ name: LocalizedText, voters: Int, _ candidates: [Int],
                _ inScope: (CellMember) -> Bool
            ) -> QuestionScope {
                var ballots = 0, answered = 0, mergedOut = 0
                var counts: [Int]?
                for cell in candidates.lazy.map({ cells[$0] }) {
                    let members = cell.cells
                    let inside = members.filter { inScope($0) && asking.contains($0.precinct) }
                    let n = inside.reduce(0) { $0 + $1.ballots }
                    ballots += n
                    guard members.allSatisfy(inScope) else {
                        mergedOut += n
                        continue
                    }
                    answered += n
                    if let c = cell.questions.first(where: { $0.question == q.id })?.counts, c.count == q.options.count {
                        counts = zip(counts ?? Array(repeating: 0, count: c.count), c).map { $0 + $1 }
                    }
                }
                return QuestionScope(
                    scope: kind, id: id, name: name, voters: voters, ballots: ballots,
                    turnoutPPM: voters > 0 ? Int(Int64(ballots) * 1_000_000 / Int64(voters)) : 0,
                    answered: counts == nil ? nil : answered, counts: counts,
                    empty: counts.flatMap { q.maxSelections == 1 ? answered - $0.reduce(0, +) : nil },
                    mergedOut: mergedOut > 0 ? mergedOut : nil)
            }
            var rows = [row(.total, "total", manifest.title, voters: askingVoters, all) { _ in true }]
            for r in manifest.regions where r.precincts.contains(where: { asking.contains($0.id) }) {
                let ids = Set(r.precincts.map(\.id))
                rows.append(
                    row(
                        .region, r.id, r.name, voters: ids.intersection(asking).reduce(0) { $0 + (voters[$1] ?? 0) },
                        cellsOfRegion[r.id] ?? []
                    ) {
                        regionOf[$0.precinct] == r.id
                    })
            }
            for p in manifest.precincts where asking.contains(p.id) {
                rows.append(row(.precinct, p.id, p.name, voters: voters[p.id] ?? 0, cellsOfPrecinct[p.id] ?? []) { $0.precinct == p.id })
            }
            for ch in manifest.channels {
                let r = row(.channel, ch.rawValue, LocalizedText(ch.rawValue), voters: askingVoters, all) { $0.channel == ch }
                if r.ballots > 0 { rows.append(r) }
            }
            for day in manifest.tallyDays?.days(of: manifest.window) ?? [] {
                let r = row(.day, day, LocalizedText(day), voters: askingVoters, all) { $0.day == day }
                if r.ballots > 0 { rows.append(r) }
            }
            return QuestionScopes(question: q.id, rows: rows)
        }
    }
}
