import Foundation
import Testing

@testable import Forensics

/// The analyses of the two shared data sets, run once per test process (1,000 draws, seed 1).
enum SharedAnalyses {
    static let dataDir = "../shared/data/forensics"

    static let russiaResult = Result { () throws(ForensicsInputError) in try analyse("russia-2020-constitutional-vote.csv.gz", .russia) }
    static let canadaResult = Result { () throws(ForensicsInputError) in try analyse("canada-2011-federal.csv.gz", .canada) }
    static var russia: ForensicsReport { get throws { try russiaResult.get() } }
    static var canada: ForensicsReport { get throws { try canadaResult.get() } }

    static func analyse(_ file: String, _ preset: Preset) throws(ForensicsInputError) -> ForensicsReport {
        let table = try StationTable.load(path: "\(dataDir)/\(file)", mapping: preset.mapping)
        var options = ForensicsOptions()
        options.pollShare = 0.2
        options.pollSize = 1600
        return ForensicsAnalysis.run(table, source: file, options: options)
    }
}

@Suite("Published figures on the shared data")
struct PublishedFiguresTests {
    @Test("Russia 2020: integer-percentage excess within 150 of the published 3,611, null sd about 115, z about 31")
    func russiaIntegers() throws {
        let r = try SharedAnalyses.russia.integerPercentages
        #expect(r.draws == 1000)
        #expect(abs(r.excess - 3611) <= 150, "excess \(r.excess)")
        #expect(r.nullSD > 95 && r.nullSD < 135, "null sd \(r.nullSD)")
        #expect(r.z > 27 && r.z < 36, "z \(r.z)")
        #expect(r.empiricalP <= 1.0 / 1001 + 1e-12)
        #expect(r.stationsTested > 90_000)
    }

    @Test("Russia 2020: Shpilkin's reference peak near 42-43% turnout with 64-65% yes, anomalous votes above 20 million")
    func russiaShpilkin() throws {
        let s = try #require(try SharedAnalyses.russia.shpilkin)
        #expect(s.referenceTurnout > 0.415 && s.referenceTurnout < 0.435, "reference \(s.referenceTurnout)")
        #expect(s.referenceShare > 0.635 && s.referenceShare < 0.655, "share \(s.referenceShare)")
        #expect(s.anomalousVotes > 20_000_000)
        #expect(s.anomalousMin > 20_000_000 && s.anomalousMin <= s.anomalousVotes && s.anomalousVotes <= s.anomalousMax)
    }

    @Test("Russia 2020: the fingerprint is smeared towards 100%/100% and the official totals are reproduced")
    func russiaFingerprint() throws {
        let r = try SharedAnalyses.russia
        #expect(r.fingerprint.cornerFraction > 0.05)
        #expect(r.fingerprint.turnoutPeaks >= 2)
        #expect(r.fingerprint.correlation > 0.5)
        // Official: yes 57,747,288. The file holds the stations (no e-voting), so compare the yes total there.
        let table = try StationTable.load(
            path: "\(SharedAnalyses.dataDir)/russia-2020-constitutional-vote.csv.gz", mapping: Preset.russia.mapping)
        #expect(table.stations.reduce(0) { $0 + $1.leader } > 50_000_000)
        #expect(r.strata.count > 80)
        #expect(r.strata.contains { ($0.integer?.z ?? 0) > 10 })
    }

    @Test("Canada 2011: no significant integer excess (z below 2.5) and one compact fingerprint")
    func canada() throws {
        let r = try SharedAnalyses.canada
        #expect(r.leader == "Conservative")
        #expect(r.integerPercentages.z < 2.5, "z \(r.integerPercentages.z)")
        #expect(abs(r.integerPercentages.excess) < 400)
        #expect(r.fingerprint.cornerFraction < 0.01)
        #expect(r.fingerprint.turnoutPeaks == 1)
        #expect(abs(r.fingerprint.correlation) < 0.3)
        #expect(r.excluded.allSatisfy { !$0.reason.isEmpty })
        #expect(r.strata.count == 13, "one stratum per province and territory")
    }

    @Test("The poll comparison puts a 78% reported share far outside a 20% poll of 1,600")
    func poll() throws {
        let p = try #require(try SharedAnalyses.russia.poll)
        #expect(p.z > 50)
        #expect(p.interval999[1] < 0.25)
        let near = try #require(PollComparison.run(reportedShare: 0.52, pollShare: 0.5, size: nil, margin: 0.03))
        #expect(near.pollSize == 1067)
        #expect(abs(near.z) < 2)
    }
}
