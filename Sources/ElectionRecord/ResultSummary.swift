/// Counts for one scope (a precinct, a region, a channel, or everything) with turnout.
public struct ScopeResult: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var credentials: Int
    public var ballots: Int
    /// Counted ballots per credential, in parts per million (an integer so it compares exactly).
    public var turnoutPPM: Int
    public var questions: [QuestionCounts]

    public var turnout: Double { Double(turnoutPPM) / 1_000_000 }
}

/// Results per precinct, region, channel and in total, derived from the decrypted cells.
public struct ResultSummary: Codable, Sendable, Equatable {
    public var total: ScopeResult
    public var regions: [ScopeResult]
    public var precincts: [ScopeResult]
    public var channels: [ScopeResult]

    /// Adds up result cells into every scope. `credentials` gives each precinct's number of credentials.
    ///
    /// Complexity: O(cells x options).
    public static func summarize(manifest: Manifest, cells: [ResultCell], credentials: [String: Int]) -> ResultSummary {
        func scope(id: String, name: String, cells: [ResultCell], credentials: Int) -> ScopeResult {
            var order = [String]()
            var counts = [String: [Int]]()
            for cell in cells {
                for q in cell.questions {
                    if counts[q.question] == nil {
                        order.append(q.question)
                        counts[q.question] = Array(repeating: 0, count: q.counts.count)
                    }
                    if counts[q.question]!.count == q.counts.count {
                        for (i, c) in q.counts.enumerated() { counts[q.question]![i] += c }
                    }
                }
            }
            let ballots = cells.reduce(0) { $0 + $1.ballots }
            let ppm = credentials > 0 ? Int((Int64(ballots) * 1_000_000) / Int64(credentials)) : 0
            return ScopeResult(
                id: id, name: name, credentials: credentials, ballots: ballots, turnoutPPM: ppm,
                questions: order.map { QuestionCounts(question: $0, counts: counts[$0]!) })
        }
        let byPrecinct = Dictionary(grouping: cells, by: \.precinct)
        let precincts = manifest.precincts.map { p in
            scope(id: p.id, name: p.name, cells: byPrecinct[p.id] ?? [], credentials: credentials[p.id] ?? 0)
        }
        let regions = manifest.regions.map { r in
            let ids = Set(r.precincts.map(\.id))
            return scope(
                id: r.id, name: r.name, cells: cells.filter { ids.contains($0.precinct) },
                credentials: r.precincts.reduce(0) { $0 + (credentials[$1.id] ?? 0) })
        }
        let allCredentials = manifest.precincts.reduce(0) { $0 + (credentials[$1.id] ?? 0) }
        let channels = manifest.channels.map { ch in
            scope(id: ch.rawValue, name: ch.rawValue, cells: cells.filter { $0.channel == ch }, credentials: allCredentials)
        }
        return ResultSummary(
            total: scope(id: "total", name: manifest.title, cells: cells, credentials: allCredentials),
            regions: regions, precincts: precincts, channels: channels)
    }
}
