import BoardAPI
import BoardService
import ElectionRecord
import Foundation
import Ristretto
import TestVectors
import Testing
import TransparencyLog

@testable import ElectionProtocol

/// The booth's receipt check (booth/web/receipt.js, in node) on real board receipts: it must accept
/// what the Swift check accepts and name the same problem for each tampered receipt.
@Suite("Booth receipt check, cross-checked")
struct BoothReceiptTests {
    @Test(
        "The page accepts a board receipt and names otherBallot, badTreeHeadSignature, badInclusionProof, lineHoldsAnotherBallot as Swift does"
    )
    func receipts() async throws {
        let boardKey = Ed25519.SigningKey()
        let (service, cleanup) = try BoardRouterTests.freshService("receipt", key: boardKey)
        defer { cleanup() }
        let election = try await BoardRouterTests.openReferendum("receipts", on: service, boardKey: boardKey, voters: 5)
        let (context, issued) = (election.context, election.issued)
        var cast = [(EncryptedBallot, BoardReceipt)]()
        for v in 0..<5 {
            let b = try BallotEncryptor(context: context).encrypt(
                precinct: "p", channel: .remote, credential: issued[v].credential, choices: ["ref": [v % 2]]
            ).ballot
            cast.append((b, try await service.cast("receipts", b)))
        }
        let (ballot, receipt) = cast[2]
        let ballotBytes = try RecordCoding.encode(ballot)
        let ballotHash = ballot.hash(contextHash: context.contextHash)
        func tampered(_ change: (inout BoardReceipt) -> Void) -> BoardReceipt {
            var r = receipt
            change(&r)
            return r
        }
        var other = cast[1].1
        other.ballotHash = ballotHash
        let cases: [(BoardReceipt, String)] = [
            (receipt, "ok"),
            (cast[4].1, "otherBallot"),
            (tampered { $0.treeHead.signature = String(repeating: "0", count: 128) }, "badTreeHeadSignature"),
            (tampered { $0.treeHead.timestamp += 1 }, "badTreeHeadSignature"),
            (tampered { $0.inclusionProof[0] = String(repeating: "ab", count: 32) }, "badInclusionProof"),
            (tampered { $0.index += 1 }, "badInclusionProof"),
            (tampered { $0.inclusionProof.removeLast() }, "badInclusionProof"),
            (other, "lineHoldsAnotherBallot"),
        ]
        // The Swift check names the same problem for each case.
        for (r, expected) in cases {
            let swift = r.problem(boardKey: boardKey.publicKey, ballotHash: ballotHash, ballotBytes: ballotBytes)
            #expect((swift?.rawValue ?? "ok") == expected, "Swift: \(expected)")
        }
        let input: [String: Any] = [
            "boardKey": boardKey.publicKey.hex, "ballotHash": ballotHash.hex, "ballotJSON": String(decoding: ballotBytes, as: UTF8.self),
            "cases": try cases.map { try JSONSerialization.jsonObject(with: Data(RecordCoding.encode($0.0))) },
        ]
        let got = try JSONDecoder().decode([String].self, from: BoothScript.run("check-receipt.mjs", input: input))
        #expect(got == cases.map(\.1))
    }
}
