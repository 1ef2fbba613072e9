/// Counts for one scope (a precinct, a region, a channel, or everything) with turnout.
public struct ScopeResult: Codable, Sendable, Equatable {
    public var id: String
    public var name: LocalizedText
    public var credentials: Int
    public var ballots: Int
    /// Counted ballots per credential, in parts per million (an integer so it compares exactly).
    public var turnoutPPM: Int
    public var questions: [QuestionCounts]
    /// The scope's ballots that lie in merged aggregates reaching beyond it (PROTOCOL.md 6.3):
    /// counted in `ballots` and turnout, not in `questions` (absent when none).
    public var ballotsMergedOut: Int?

    public var turnout: Double { Double(turnoutPPM) / 1_000_000 }
}

/// Results per precinct, region, channel, day (with `tallyDays`) and in total, derived from the decrypted cells.
public struct ResultSummary: Codable, Sendable, Equatable {
    public var total: ScopeResult
    public var regions: [ScopeResult]
    public var precincts: [ScopeResult]
    public var channels: [ScopeResult]
    /// With `tallyDays`: one scope per local date of the window, over the cells of that day.
    public var days: [ScopeResult]?

    /// Adds up result cells into every scope. `credentials` gives each precinct's number of voters.
    /// A scope's ballots are those of its (precinct, channel) cells; its counts add up only the
    /// aggregates that lie wholly inside it, so no published figure splits a merged aggregate.
    ///
    /// Complexity: O(scopes x cells x options).
    public static func summarize(manifest: Manifest, cells: [ResultCell], credentials: [String: Int]) -> ResultSummary {
        func scope(id: String, name: LocalizedText, credentials: Int, _ inScope: (CellMember) -> Bool) -> ScopeResult {
            var order = [String]()
            var counts = [String: [Int]]()
            var ballots = 0
            var mergedOut = 0
            for cell in cells {
                let members = cell.cells
                let inside = members.filter(inScope)
                if inside.isEmpty { continue }
                let n = inside.reduce(0) { $0 + $1.ballots }
                ballots += n
                guard inside.count == members.count else {
                    mergedOut += n
                    continue
                }
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
            let ppm = credentials > 0 ? Int((Int64(ballots) * 1_000_000) / Int64(credentials)) : 0
            return ScopeResult(
                id: id, name: name, credentials: credentials, ballots: ballots, turnoutPPM: ppm,
                questions: order.map { QuestionCounts(question: $0, counts: counts[$0]!) },
                ballotsMergedOut: mergedOut > 0 ? mergedOut : nil)
        }
        let precincts = manifest.precincts.map { p in
            scope(id: p.id, name: p.name, credentials: credentials[p.id] ?? 0) { $0.precinct == p.id }
        }
        let regions = manifest.regions.map { r in
            let ids = Set(r.precincts.map(\.id))
            return scope(id: r.id, name: r.name, credentials: r.precincts.reduce(0) { $0 + (credentials[$1.id] ?? 0) }) {
                ids.contains($0.precinct)
            }
        }
        let allCredentials = manifest.precincts.reduce(0) { $0 + (credentials[$1.id] ?? 0) }
        let channels = manifest.channels.map { ch in
            scope(id: ch.rawValue, name: LocalizedText(ch.rawValue), credentials: allCredentials) { $0.channel == ch }
        }
        let days = manifest.tallyDays.map { tallyDays in
            tallyDays.days(of: manifest.window).map { day in
                scope(id: day, name: LocalizedText(day), credentials: allCredentials) { $0.day == day }
            }
        }
        return ResultSummary(
            total: scope(id: "total", name: manifest.title, credentials: allCredentials) { _ in true },
            regions: regions, precincts: precincts, channels: channels, days: days)
    }
}
