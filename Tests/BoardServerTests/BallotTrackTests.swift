import BoardAPI
import BoardService
import ElectionRecord
import Foundation
import Hummingbird
import HummingbirdTesting
import Ristretto
import TestVectors
import Testing
import TransparencyLog

@testable import BoardServer
@testable import ElectionProtocol

/// Tracking a ballot after casting (GET /elections/ID/ballots/REF, PROTOCOL.md 6.2): the board's
/// answer for each status, the client's check of it in Swift and in the page (node), and hostile
/// answers refused by both with the same problem.
@Suite("Ballot tracking")
struct BallotTrackTests {
    /// A board with a ballot of each fate: superseded, counting, spoiled, revoked.
    struct Scene {
        var service: BoardService
        var boardKey: Ed25519.SigningKey
        var election: BoardRouterTests.OpenReferendum
        /// Voter 0's first and second ballot, voter 2's (revoked later), voter 3's.
        var first: BoardReceipt, second: BoardReceipt, revoked: BoardReceipt, counting: BoardReceipt
        var spoiledHash: Digest
        var cleanup: @Sendable () -> Void

        static func make(_ id: String) async throws -> Scene {
            let boardKey = Ed25519.SigningKey()
            let (service, cleanup) = try BoardRouterTests.freshService(id, key: boardKey)
            let election = try await BoardRouterTests.openReferendum(id, on: service, boardKey: boardKey, voters: 4)
            let encryptor = BallotEncryptor(context: election.context)
            func cast(_ v: Int, _ choice: Int) async throws -> BoardReceipt {
                let b = try encryptor.encrypt(
                    precinct: "p", channel: .remote, credential: election.issued[v].credential, choices: ["ref": [choice]])
                return try await service.cast(id, b.ballot)
            }
            let first = try await cast(0, 0)
            let revoked = try await cast(2, 1)
            let challenged = try encryptor.encrypt(
                precinct: "p", channel: .remote, credential: election.issued[1].credential, choices: ["ref": [1]])
            _ = try await service.spoil(id, SpoiledBallot(ballot: challenged.ballot, reveals: challenged.secrets.reveals))
            let second = try await cast(0, 1)
            let counting = try await cast(3, 0)
            let v2 = election.issued[2]
            let (revocation, _) = election.authority.revoke(
                v2.credential.publicKey, voterId: v2.voterId, precinct: "p", manifest: election.manifest,
                manifestHash: election.manifestHash)
            _ = try await service.publish(id, .credentialRevocation(revocation))
            return Scene(
                service: service, boardKey: boardKey, election: election, first: first, second: second, revoked: revoked,
                counting: counting, spoiledHash: challenged.ballot.hash(contextHash: election.context.contextHash), cleanup: cleanup)
        }
    }

    @Test("Each fate is told and proved: superseded (with the later ballot), counts, spoiled, revoked (with the revocation)")
    func statuses() async throws {
        let s = try await Scene.make("track")
        defer { s.cleanup() }
        let key = s.boardKey.publicKey
        let superseded = try await s.service.track("track", BallotReference(s.first.trackingCode)!, since: s.first.treeHead.size)
        #expect(superseded.status == .superseded)
        #expect(superseded.index == s.first.index && superseded.line == s.first.line)
        #expect(superseded.later?.index == s.second.index)
        #expect(superseded.problem(boardKey: key, asked: BallotReference(s.first.trackingCode)!, receipt: s.first) == nil)

        let counts = try await s.service.track("track", .hash(s.second.ballotHash), since: s.second.treeHead.size)
        #expect(counts.status == .counts && counts.later == nil)
        #expect(counts.problem(boardKey: key, asked: .hash(s.second.ballotHash), receipt: s.second) == nil)

        let spoiled = try await s.service.track("track", .hash(s.spoiledHash))
        #expect(spoiled.status == .spoiled)
        #expect(spoiled.problem(boardKey: key, asked: .hash(s.spoiledHash)) == nil)

        let revoked = try await s.service.track("track", .hash(s.revoked.ballotHash), since: s.revoked.treeHead.size)
        #expect(revoked.status == .revoked)
        #expect(revoked.later.map { $0.index > s.counting.index } == true)
        #expect(revoked.problem(boardKey: key, asked: .hash(s.revoked.ballotHash), receipt: s.revoked) == nil)

        // A receipt from a head the board later signed over is still consistent (the log grew by three since).
        #expect(superseded.treeHead.size == s.first.treeHead.size + 5)
    }

    @Test("Hostile answers: the Swift check and the page's check (node) name the same problem for each")
    func hostileAnswers() async throws {
        let s = try await Scene.make("track-hostile")
        defer { s.cleanup() }
        let key = s.boardKey.publicKey
        let asked = BallotReference(s.first.trackingCode)!
        let good = try await s.service.track("track-hostile", asked, since: s.first.treeHead.size)
        let counting = try await s.service.track("track-hostile", .hash(s.counting.ballotHash), since: s.counting.treeHead.size)
        func tampered(_ base: BallotTrack = good, _ change: (inout BallotTrack) -> Void) -> BallotTrack {
            var t = base
            change(&t)
            return t
        }
        // A receipt from another (forked) log: same size, another root, signed by the board.
        var forkedReceipt = s.first
        forkedReceipt.treeHead = SignedTreeHead.sign(
            MerkleTree(leaves: (0..<s.first.treeHead.size).map { [UInt8($0 % 256)] }), key: s.boardKey, lastEntryAt: Date())
        // Each case: the answer, the receipt it is checked with, the expected problem ("ok": none).
        // All ask for voter 0's first ballot but the last, which asks for voter 3's.
        let cases: [(BallotTrack, BoardReceipt?, String)] = [
            (good, s.first, "ok"),
            (counting, s.first, "otherBallot"),
            (tampered { $0.treeHead.signature = String(repeating: "0", count: 128) }, s.first, "badTreeHeadSignature"),
            (tampered { $0.treeHead.timestamp += 1 }, nil, "badTreeHeadSignature"),
            (tampered { $0.inclusionProof[0] = String(repeating: "ab", count: 32) }, s.first, "badInclusionProof"),
            (tampered { $0.index += 1 }, nil, "badInclusionProof"),
            (tampered { $0.status = .spoiled }, s.first, "wrongStatus"),
            (tampered { $0.contextHash = $0.ballotHash }, nil, "lineHoldsAnotherBallot"),
            (tampered { $0.consistencyProof?.removeLast() }, s.first, "inconsistentWithReceipt"),
            (good, forkedReceipt, "inconsistentWithReceipt"),
            (tampered { $0.status = .counts }, s.first, "badEvidence"),
            (tampered { $0.later = nil }, s.first, "badEvidence"),
            (
                tampered { $0.later = BallotTrack.Evidence(index: $0.index, line: $0.line, inclusionProof: $0.inclusionProof) }, s.first,
                "badEvidence"
            ),
            (tampered { $0.status = .revoked }, s.first, "badEvidence"),
            (
                tampered(counting) {
                    $0.status = .superseded; $0.later = good.later
                }, s.counting, "badEvidence"
            ),
        ]
        func asking(_ i: Int) -> String { i == cases.count - 1 ? s.counting.trackingCode : s.first.trackingCode }
        for (i, (answer, receipt, expected)) in cases.enumerated() {
            let swift = answer.problem(boardKey: key, asked: BallotReference(asking(i))!, receipt: receipt)
            #expect((swift?.rawValue ?? "ok") == expected, "Swift: \(expected)")
        }
        let input: [String: Any] = [
            "boardKey": key.hex,
            "cases": try cases.enumerated().map { (i, c) in
                [
                    "asked": asking(i),
                    "answer": try JSONSerialization.jsonObject(with: Data(RecordCoding.encode(c.0))),
                    "receipt": try c.1.map { try JSONSerialization.jsonObject(with: Data(RecordCoding.encode($0))) } ?? NSNull(),
                ]
            },
        ]
        let got = try JSONDecoder().decode([String].self, from: BoothScript.run("check-track.mjs", input: input))
        #expect(got == cases.map(\.2))
    }

    @Test("Through the router: any spelling of a tracking code finds the ballot; bad, unknown and impossible requests get typed errors")
    func router() async throws {
        let s = try await Scene.make("track-http")
        defer { s.cleanup() }
        let app = buildApplication(
            service: s.service, configuration: BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "op"))
        let code = s.second.trackingCode
        let spellings = [
            code, code.lowercased(), code.replacingOccurrences(of: "-", with: ""),
            code.replacingOccurrences(of: "0", with: "O").replacingOccurrences(of: "1", with: "l"), s.second.ballotHash.hex,
        ]
        try await app.test(.router) { client in
            for spelling in spellings {
                let path = "/elections/track-http/ballots/\(spelling.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)"
                try await client.execute(uri: path + "?since=\(s.second.treeHead.size)", method: .get) { r in
                    #expect(r.status == .ok, "\(spelling)")
                    let answer = try RecordCoding.decode(BallotTrack.self, from: Array(buffer: r.body))
                    #expect(answer.status == .counts)
                    #expect(answer.problem(boardKey: s.boardKey.publicKey, asked: BallotReference(spelling)!, receipt: s.second) == nil)
                }
            }
            let size = try await s.service.currentTreeHead("track-http").size
            let refusals: [(String, HTTPResponse.Status, String)] = [
                ("/elections/track-http/ballots/NOT-A-CODE", .badRequest, "malformed"),
                ("/elections/track-http/ballots/\(code)U", .badRequest, "malformed"),
                ("/elections/track-http/ballots/0000-0000-0000-0000", .notFound, "unknownBallot"),
                ("/elections/track-http/ballots/\(String(repeating: "ab", count: 32))", .notFound, "unknownBallot"),
                ("/elections/nowhere/ballots/\(code)", .notFound, "unknownElection"),
                ("/elections/track-http/ballots/\(code)?since=\(size + 1)", .badRequest, "malformed"),
                ("/elections/track-http/ballots/\(code)?since=-1", .badRequest, "malformed"),
            ]
            for (uri, status, expected) in refusals {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == status, "\(uri)")
                    let got = try BoardRouterTests.code(r)
                    #expect(got == expected, "\(uri)")
                }
            }
        }
    }
}
