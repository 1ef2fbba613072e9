import ElectionRecord
import Foundation
import Ristretto
import Testing

/// A question asked in some precincts only has its own voters, ballots and turnout per scope.
@Suite("Per-question figures over the precincts that ask the question")
struct QuestionScopesTests {
    /// Regions r1 {p1: q1 q2, p2: q1} and r2 {p3: q1 q2}; 100, 50 and 30 voters; p3's two
    /// channels merged into one aggregate.
    static func result() -> (Manifest, ElectionResult) {
        let key = Ed25519.SigningKey().publicKey
        let manifest = Manifest(
            electionId: "scopes", title: "Scopes",
            questions: [
                Question(id: "q1", text: "One", options: ["yes", "no"], minSelections: 1, maxSelections: 1),
                Question(id: "q2", text: "Two", options: ["yes", "no"], minSelections: 0, maxSelections: 1),
            ],
            regions: [
                Region(
                    id: "r1", name: "R1",
                    precincts: [
                        Precinct(id: "p1", name: "P1", questions: ["q1", "q2"]), Precinct(id: "p2", name: "P2", questions: ["q1"]),
                    ]),
                Region(id: "r2", name: "R2", precincts: [Precinct(id: "p3", name: "P3", questions: ["q1", "q2"])]),
            ],
            channels: [.station, .remote],
            window: VotingWindow(opens: Date(timeIntervalSince1970: 1_800_000_000), closes: Date(timeIntervalSince1970: 1_800_036_000)),
            trustees: [TrusteeDescriptor(id: "t1", index: 1, signingKey: key, exchangeKey: [UInt8](repeating: 1, count: 32))],
            threshold: 1, credentialAuthority: key, devices: [], boardKey: key)
        let cells = [
            ResultCell(
                precinct: "p1", channel: .station, ballots: 40,
                questions: [QuestionCounts(question: "q1", counts: [30, 10]), QuestionCounts(question: "q2", counts: [25, 10])]),
            ResultCell(
                precinct: "p1", channel: .remote, ballots: 10,
                questions: [QuestionCounts(question: "q1", counts: [4, 6]), QuestionCounts(question: "q2", counts: [5, 5])]),
            ResultCell(precinct: "p2", channel: .station, ballots: 20, questions: [QuestionCounts(question: "q1", counts: [15, 5])]),
            ResultCell(
                precinct: "p3", channel: .remote, ballots: 5,
                members: [
                    CellMember(precinct: "p3", channel: .remote, ballots: 2), CellMember(precinct: "p3", channel: .station, ballots: 3),
                ],
                questions: [QuestionCounts(question: "q1", counts: [3, 2]), QuestionCounts(question: "q2", counts: [1, 3])]),
        ]
        let summary = ResultSummary.summarize(manifest: manifest, cells: cells, credentials: ["p1": 100, "p2": 50, "p3": 30])
        return (manifest, ElectionResult(trustees: [1], cells: cells, summary: summary))
    }

    @Test(
        "Voters, ballots, turnout, counts, empty answers and merged-out ballots of every scope, for a question asked in two of three precincts"
    )
    func partialQuestion() throws {
        let (manifest, result) = Self.result()
        let scopes = result.questionScopes(manifest: manifest)
        #expect(scopes.map(\.question) == ["q1", "q2"])
        let rows = Dictionary(uniqueKeysWithValues: scopes[1].rows.map { ("\($0.scope.rawValue)/\($0.id)", $0) })
        #expect(
            scopes[1].rows.map { "\($0.scope.rawValue)/\($0.id)" } == [
                "total/total", "region/r1", "region/r2", "precinct/p1", "precinct/p3", "channel/station", "channel/remote",
            ])
        let total = try #require(rows["total/total"])
        #expect((total.voters, total.ballots, total.turnoutPPM) == (130, 55, 423_076), "p2 neither counts its voters nor its ballots")
        #expect(total.counts == [31, 18] && total.answered == 55 && total.empty == 6 && total.mergedOut == nil)
        let r1 = try #require(rows["region/r1"])
        #expect((r1.voters, r1.ballots, r1.counts, r1.empty) == (100, 50, [30, 15], 5))
        let p3 = try #require(rows["precinct/p3"])
        #expect((p3.voters, p3.ballots, p3.counts, p3.answered, p3.empty) == (30, 5, [1, 3], 5, 1), "the merge lies inside p3")
        let station = try #require(rows["channel/station"])
        #expect((station.voters, station.ballots, station.mergedOut, station.counts, station.answered) == (130, 43, 3, [25, 10], 40))
        let remote = try #require(rows["channel/remote"])
        #expect((remote.ballots, remote.mergedOut, remote.counts, remote.empty) == (12, 2, [5, 5], 0))
        // Every scope's ballots are its answered ones and those merged beyond it.
        for row in scopes.flatMap(\.rows) { #expect(row.ballots == (row.answered ?? 0) + (row.mergedOut ?? 0), "\(row.id)") }

        // The question asked everywhere has every precinct's voters and ballots.
        let q1 = try #require(scopes[0].rows.first)
        #expect((q1.voters, q1.ballots, q1.counts, q1.empty) == (180, 75, [52, 23], 0))
        #expect(q1.ballots == result.summary.total.ballots && q1.voters == result.summary.total.credentials)
    }
}
