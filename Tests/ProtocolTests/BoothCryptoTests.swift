import ElectionProtocol
import ElectionRecord
import ElectionRules
import Foundation
import PlebisciteCrypto
import Ristretto
import TestVectors
import Testing

@testable import ElectionProtocol

/// The booth's cryptography (booth/web, libsodium in WebAssembly, run in node) against the Swift
/// implementation: a ballot the page encrypts must be the ballot Plebiscite accepts.
@Suite("Booth cryptography in WebAssembly, cross-checked")
struct BoothCryptoTests {
    struct Made: Decodable {
        var ballot: String?
        var spoiled: String?
        var hash: String?
        var trackingCode: String?
        var publicKey: String?
        var reveals: [[Reveal]]?
        var error: String?
        struct Reveal: Decodable {
            var value: Int
            var nonce: String
        }
    }

    /// Runs booth/test/make-ballot.mjs in node on the election's inputs.
    static func makeBallot(_ f: Fixture, precinct: String, credential: String, choices: [String: [Int]]) throws -> Made {
        let questions = f.manifest.precinct(precinct)!.questions.map { id in
            let q = f.manifest.question(id)!
            return ["id": id, "options": q.options.count, "minSelections": q.minSelections, "maxSelections": q.maxSelections]
                as [String: Any]
        }
        let input: [String: Any] = [
            "electionId": f.manifest.electionId, "contextHash": f.context.contextHash.hex, "jointKey": f.context.jointKey.hex,
            "precinct": precinct, "questions": questions, "credential": credential, "choices": choices,
        ]
        let data = try BoothScript.run("make-ballot.mjs", input: input)
        return try JSONDecoder().decode(Made.self, from: data)
    }

    @Test("A ballot encrypted in the page has the Swift hash, tracking code and credential key, passes checks 6.1-6.7 and is appended")
    func pageBallotAccepted() throws {
        let f = try Fixture()
        try f.setUp()
        let credential = f.credentials["p2"]![1]
        let choices = ["ref": [1], "pick": [0, 2]]
        let made = try Self.makeBallot(f, precinct: "p2", credential: credential.text, choices: choices)
        #expect(made.publicKey == credential.publicKey.hex, "the page derives the credential's key")
        let ballot = try RecordCoding.decodeStrict(EncryptedBallot.self, from: Array(try #require(made.ballot).utf8))
        let hash = ballot.hash(contextHash: f.context.contextHash)
        #expect(made.hash == hash.hex)
        #expect(made.trackingCode == ProtocolHashes.trackingCode(hash))
        #expect(ballot.check(in: f.context, credentials: f.registry).isEmpty)
        // The reveals open every ciphertext to the values chosen (what a Benaloh challenge shows).
        let reveals = try #require(made.reveals)
        for (a, (answer, question)) in zip(ballot.answers, zip(reveals, ["ref", "pick"])) {
            #expect(a.question == question)
            for (i, (s, r)) in zip(a.selections, answer).enumerated() {
                #expect(r.value == (choices[question]!.contains(i) ? 1 : 0))
                let nonce = try Scalar(hex: r.nonce)
                #expect(s.ciphertext == Ciphertext.encrypt(bit: UInt8(r.value), nonce: nonce, key: f.context.jointKey))
            }
        }
        let placement = try f.board.submit(.ballot(ballot), at: f.opens.addingTimeInterval(60))
        #expect(placement.appended)
        #expect(made.spoiled != nil, "the page also writes the challenge form")
        // One changed response and the ballot fails its proof check.
        var bad = ballot
        bad.answers[1].selections[0].proof.responses[0] = bad.answers[1].selections[0].proof.responses[0] + Scalar(UInt64(1))
        #expect(!bad.check(in: f.context, credentials: f.registry).isEmpty)
    }

    @Test("A ballot challenged in the page is published as a spoiled ballot the board accepts, and can then never be cast")
    func pageChallenge() throws {
        let f = try Fixture()
        try f.setUp()
        let credential = f.credentials["p1"]![2]
        let made = try Self.makeBallot(f, precinct: "p1", credential: credential.text, choices: ["ref": [1]])
        let spoiled = try RecordCoding.decodeStrict(SpoiledBallot.self, from: Array(try #require(made.spoiled).utf8))
        #expect(spoiled.reveals.map { $0.map(\.value) } == [[0, 1]])
        #expect(try f.board.submit(.spoiledBallot(spoiled), at: f.opens.addingTimeInterval(60)).appended)
        do {
            _ = try f.board.submit(.ballot(spoiled.ballot), at: f.opens.addingTimeInterval(61))
            Issue.record("a spoiled ballot must never be cast")
        } catch {
            #expect((error as? Refusal)?.code == .spoiledBallot, "\(error)")
        }
    }

    @Test("Each page ballot is fresh, and a mistyped credential is refused by its checksum in the page")
    func freshAndChecksum() throws {
        let f = try Fixture()
        try f.setUp()
        let credential = f.credentials["p1"]![0]
        let a = try Self.makeBallot(f, precinct: "p1", credential: credential.text.lowercased(), choices: ["ref": [0]])
        let b = try Self.makeBallot(f, precinct: "p1", credential: credential.text, choices: ["ref": [0]])
        #expect(a.hash != nil && a.hash != b.hash, "fresh nonces, a different ballot")
        #expect(a.publicKey == b.publicKey, "case does not matter")
        // A 10-bit checksum misses one single-character typo in 1,024 (PROTOCOL.md 4): the typo
        // tried is the first one the Swift reader refuses, which the page must refuse too.
        let typos = Array(credential.text).indices.lazy.compactMap { i -> String? in
            var chars = Array(credential.text)
            guard chars[i] != "-" else { return nil }
            chars[i] = chars[i] == "0" ? "1" : "0"
            return String(chars)
        }
        let mistyped = try #require(
            typos.first { text in
                do {
                    _ = try VoterCredential(text: text, electionId: f.manifest.electionId)
                    return false
                } catch { return (error as? VoterCredential.ParseError) == .checksumMismatch }
            })
        let typo = try Self.makeBallot(f, precinct: "p1", credential: mistyped, choices: ["ref": [0]])
        #expect(typo.error == "checksumMismatch")
        #expect(try Self.makeBallot(f, precinct: "p1", credential: "ABC", choices: [:]).error == "wrongLength")
        #expect(
            try Self.makeBallot(f, precinct: "p1", credential: String(repeating: "U", count: 22), choices: [:]).error == "invalidCharacter")
    }
}
