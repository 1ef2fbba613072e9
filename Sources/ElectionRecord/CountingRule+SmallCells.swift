import PlebisciteCrypto
import Ristretto

extension CountingRule {
    /// Merges the cells that count fewer than the manifest's `minimumCell` ballots (PROTOCOL.md 6.3,
    /// check 9.2), so that no decrypted aggregate shows how a handful of voters voted. `cells` is a
    /// tally as `aggregate` gives it (one cell per (precinct, channel), in manifest order).
    ///
    /// In each region, in manifest order:
    /// 1. In each precinct, the small cells merge into one aggregate; if that holds fewer than
    ///    `minimumCell` ballots, the precinct's cell with the fewest ballots joins it (the first in
    ///    channel order, then day order, on a tie), if the precinct has another.
    /// 2. The region's aggregates still below `minimumCell` (at most one per precinct) merge into one;
    ///    while that holds too few, the region's aggregate with the fewest ballots joins it (the
    ///    first in manifest order on a tie), until none is left.
    ///
    /// Members are listed in manifest order (precinct, then channel, then day); aggregates come in the order
    /// of their first members. Complexity: O(cells^2) comparisons and O(cells x options) additions.
    public static func mergingSmallCells(_ tally: EncryptedTally, manifest: Manifest) -> EncryptedTally {
        let minimum = manifest.cellMinimum
        guard tally.cells.contains(where: { $0.ballots < minimum }) else { return tally }
        let sortKey = Self.order(manifest)
        func order(_ c: TallyCell) -> (Int, Int, String) { sortKey(c.key) }
        func before(_ a: [TallyCell], _ b: [TallyCell]) -> Bool { order(a[0]) < order(b[0]) }
        func total(_ g: [TallyCell]) -> Int { g.reduce(0) { $0 + $1.ballots } }
        /// The index of the aggregate with the fewest ballots, the first on a tie.
        func fewest(_ groups: [[TallyCell]]) -> Int? {
            groups.indices.min { (total(groups[$0]), $0) < (total(groups[$1]), $1) }
        }

        let byPrecinct = Dictionary(grouping: tally.cells, by: \.precinct)
        var out = [[TallyCell]]()
        for region in manifest.regions {
            var groups = [[TallyCell]]()
            for p in region.precincts {
                guard let cells = byPrecinct[p.id]?.sorted(by: { order($0) < order($1) }) else { continue }
                var small = cells.filter { $0.ballots < minimum }
                var large = cells.filter { $0.ballots >= minimum }.map { [$0] }
                if !small.isEmpty {
                    if total(small) < minimum, let i = fewest(large) { small += large.remove(at: i) }
                    large.append(small.sorted { order($0) < order($1) })
                }
                groups += large.sorted(by: before)
            }
            var small = groups.filter { total($0) < minimum }
            if !small.isEmpty {
                var rest = groups.filter { total($0) >= minimum }
                var merged = small.flatMap { $0 }
                while total(merged) < minimum, let i = fewest(rest) { merged += rest.remove(at: i) }
                small = [merged.sorted { order($0) < order($1) }]
                groups = (rest + small).sorted(by: before)
            }
            out += groups
        }
        return EncryptedTally(cells: out.map { combined($0, manifest: manifest) })
    }

    /// One aggregate of several cells: ballots and sums added, each question once, in the order of
    /// its first appearance (member order, then the member's question order).
    private static func combined(_ cells: [TallyCell], manifest: Manifest) -> TallyCell {
        guard cells.count > 1, let first = cells.first else { return cells[0] }
        var order = [String]()
        var sums = [String: [Ciphertext]]()
        for cell in cells {
            for q in cell.questions {
                guard var s = sums[q.question] else {
                    order.append(q.question)
                    sums[q.question] = q.sums
                    continue
                }
                guard s.count == q.sums.count else { continue }
                for i in s.indices { s[i] += q.sums[i] }
                sums[q.question] = s
            }
        }
        return TallyCell(
            precinct: first.precinct, channel: first.channel, day: first.day, ballots: cells.reduce(0) { $0 + $1.ballots },
            members: cells.map { CellMember(precinct: $0.precinct, channel: $0.channel, day: $0.day, ballots: $0.ballots) },
            questions: order.map { QuestionSums(question: $0, sums: sums[$0]!) })
    }
}
