import ElectionRecord
import Foundation
import Ristretto
import TestVectors
import Testing
import TransparencyLog

@testable import ElectionProtocol
@testable import PlebisciteCrypto

/// The producer against the known answers of PROTOCOL.md sections 2-4, computed independently
/// from the document (Tests/TestVectors/Vectors/protocol-vectors.py): every hash input, every
/// derived value, every signed message.
@Suite("Protocol known answers (producer)")
struct ProtocolVectorTests {
    static let vectors = Result { try TestVectors.protocolHashes() }

    static var cases: [ProtocolVectors.Case] { (try? vectors.get().cases) ?? [] }

    func element(_ hex: String) throws -> Element { try Element(hex: hex) }
    func digest(_ hex: String) throws -> Digest { try Digest(hex: hex) }
    func elements(_ hexes: [String]) throws -> [Element] { try hexes.map { try Element(hex: $0) } }
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T { try RecordCoding.decode(T.self, from: Array(json.utf8)) }

    @Test("The vector file covers every function of sections 2-4")
    func coverage() throws {
        let functions = Set(try Self.vectors.get().cases.map(\.function))
        #expect(
            functions == [
                "H", "schnorrProofChallenge", "schnorrSignatureChallenge", "chaumPedersenChallenge", "rangeChallenge", "manifestHash",
                "entryHash", "contextHash", "coefficientContext", "trusteeCommitmentMessage", "keyShareMessage", "complaintMessage",
                "credentialListMessage", "credentialAmendmentMessage", "credentialRevocationMessage", "credential", "selectionContext",
                "countContext", "ballotHash", "closeMessage", "tallyHash",
                "decryptionContext", "decryptionSharesMessage", "treeHeadMessage",
            ])
    }

    @Test("Each value is what the producer computes", arguments: ProtocolVectorTests.cases)
    func knownAnswer(_ c: ProtocolVectors.Case) throws {
        let expected = c.expected["hash"] ?? c.expected["challenge"] ?? ""
        switch c.function {
        case "H":
            let parts = try c.strings("parts").map { try Hex.decode($0) }
            #expect(Hex.encode(Transcript.hash(c.string("tag"), parts)) == c.expected["H"])
            var t = Transcript(c.string("tag"))
            for p in parts { t.append(bytes: p) }
            #expect(Hex.encode(t.digest32()) == c.expected["H32"])
            #expect(t.challenge().hex == c.expected["challenge"])
        case "schnorrProofChallenge":
            let challenge = SchnorrProof.challenge(
                context: try Hex.decode(c.string("context")), statement: try element(c.string("statement")),
                commitment: try element(c.string("commitment")).rawRepresentation)
            #expect(challenge.hex == expected)
        case "schnorrSignatureChallenge":
            let challenge = SchnorrSignature.challenge(
                context: try Hex.decode(c.string("context")), key: try element(c.string("key")),
                commitment: try element(c.string("commitment")).rawRepresentation, message: try Hex.decode(c.string("message")))
            #expect(challenge.hex == expected)
        case "chaumPedersenChallenge":
            let challenge = ChaumPedersenProof.challenge(
                context: try Hex.decode(c.string("context")), g: try element(c.string("g")), x: try element(c.string("x")),
                h: try element(c.string("h")), y: try element(c.string("y")), a1: try element(c.string("a1")).rawRepresentation,
                a2: try element(c.string("a2")).rawRepresentation)
            #expect(challenge.hex == expected)
        case "rangeChallenge":
            let challenge = RangeProof.challenge(
                context: try Hex.decode(c.string("context")), key: try element(c.string("key")),
                ciphertext: Ciphertext(alpha: try element(c.string("alpha")), beta: try element(c.string("beta"))), lower: c.int("lower"),
                upper: c.int("upper"), commitments: try elements(c.strings("commitments")))
            #expect(challenge.hex == expected)
        case "manifestHash":
            #expect(ProtocolHashes.manifestHash(try Hex.decode(c.string("bytes"))).hex == expected)
        case "entryHash":
            #expect(ProtocolHashes.entryHash(Array(c.string("line").utf8)).hex == expected)
        case "contextHash":
            let hash = ProtocolHashes.contextHash(
                manifestHash: try digest(c.string("manifestHash")), jointKey: try element(c.string("jointKey")),
                commitments: try c.lists("commitments").map(elements))
            #expect(hash.hex == expected)
        case "coefficientContext":
            let context = ProtocolHashes.coefficientContext(
                manifestHash: try digest(c.string("manifestHash")), trustee: c.int("trustee"), coefficient: c.int("coefficient"))
            #expect(Hex.encode(context) == expected)
        case "trusteeCommitmentMessage":
            let message = ProtocolHashes.trusteeCommitmentMessage(
                manifestHash: try digest(c.string("manifestHash")), try decode(TrusteeCommitment.self, c.string("commitment")))
            #expect(Hex.encode(message) == expected)
        case "keyShareMessage":
            let message = ProtocolHashes.keyShareMessage(
                manifestHash: try digest(c.string("manifestHash")), dealer: c.int("dealer"), recipient: c.int("recipient"),
                share: try Scalar(hex: c.string("share")))
            #expect(Hex.encode(message) == expected)
        case "complaintMessage":
            let message = ProtocolHashes.complaintMessage(
                manifestHash: try digest(c.string("manifestHash")), try decode(Complaint.self, c.string("complaint")))
            #expect(Hex.encode(message) == expected)
        case "credentialListMessage":
            let message = ProtocolHashes.credentialListMessage(
                manifestHash: try digest(c.string("manifestHash")), precinct: c.string("precinct"),
                credentials: try elements(c.strings("credentials")))
            #expect(Hex.encode(message) == expected)
        case "credentialAmendmentMessage":
            let message = ProtocolHashes.credentialAmendmentMessage(
                manifestHash: try digest(c.string("manifestHash")), precinct: c.string("precinct"),
                credentials: try elements(c.strings("credentials")))
            #expect(Hex.encode(message) == expected)
        case "credentialRevocationMessage":
            let message = ProtocolHashes.credentialRevocationMessage(
                manifestHash: try digest(c.string("manifestHash")), precinct: c.string("precinct"),
                revoked: try element(c.string("revoked")), replacement: try element(c.string("replacement")))
            #expect(Hex.encode(message) == expected)
        case "credential":
            let payload = try Hex.decode(c.string("payload"))
            let symbols = VoterCredential.symbols(payload)
            let text = c.expected["text"] ?? ""
            let chars = (symbols + VoterCredential.checksum(symbols)).map { VoterCredential.alphabet[Int($0)] }
            #expect(String(chars) == text.replacingOccurrences(of: "-", with: ""))
            let credential = try VoterCredential(text: text, electionId: c.string("electionId"))
            #expect(credential.text == text)
            #expect(credential.secret.hex == c.expected["secret"])
            #expect(credential.publicKey == .base(credential.secret))
            // Typed as a voter might: lowercase, O for 0, I and L for 1, without dashes.
            let typed = text.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "0", with: "o")
            #expect(try VoterCredential(text: typed, electionId: c.string("electionId")).secret == credential.secret)
        case "selectionContext":
            let context = ProtocolHashes.selectionContext(
                contextHash: try digest(c.string("contextHash")), credential: try element(c.string("credential")),
                question: c.string("question"), option: c.int("option"))
            #expect(Hex.encode(context) == expected)
        case "countContext":
            let context = ProtocolHashes.countContext(
                contextHash: try digest(c.string("contextHash")), credential: try element(c.string("credential")),
                question: c.string("question"))
            #expect(Hex.encode(context) == expected)
        case "ballotHash":
            let ballot = try decode(EncryptedBallot.self, c.string("ballot"))
            let hash = ballot.hash(contextHash: try digest(c.string("contextHash")))
            #expect(hash.hex == expected)
            #expect(ProtocolHashes.trackingCode(hash) == c.expected["trackingCode"])
            #expect(Hex.encode(ProtocolHashes.deviceMessage(ballotHash: hash)) == c.expected["deviceMessage"])
            // The canonical encoding of the decoded ballot is the text the vector holds.
            #expect(String(decoding: try RecordCoding.encode(ballot), as: UTF8.self) == c.string("ballot"))
        case "closeMessage":
            let message = ProtocolHashes.closeMessage(
                manifestHash: try digest(c.string("manifestHash")), previous: try digest(c.string("previous")),
                closedAt: Int64(c.int("closedAt")))
            #expect(Hex.encode(message) == expected)
        case "tallyHash":
            let tally = try decode(EncryptedTally.self, c.string("tally"))
            #expect(ProtocolHashes.tallyHash(contextHash: try digest(c.string("contextHash")), tally).hex == expected)
        case "decryptionContext":
            let context = ProtocolHashes.decryptionContext(
                contextHash: try digest(c.string("contextHash")), tallyHash: try digest(c.string("tallyHash")), trustee: c.int("trustee"),
                position: c.int("position"))
            #expect(Hex.encode(context) == expected)
        case "decryptionSharesMessage":
            let message = ProtocolHashes.decryptionSharesMessage(
                contextHash: try digest(c.string("contextHash")), try decode(DecryptionShares.self, c.string("shares")))
            #expect(Hex.encode(message) == expected)
        case "treeHeadMessage":
            let message = SignedTreeHead.message(
                size: c.int("size"), root: try Hex.decode(c.string("root")), timestamp: Int64(c.int("timestamp")))
            #expect(Hex.encode(message) == expected)
        default:
            Issue.record("no producer check for \(c.function)")
        }
    }

    @Test("A changed input changes the value: the vectors pin every part")
    func sensitivity() throws {
        let c = try #require(Self.cases.first { $0.function == "ballotHash" })
        var ballot = try decode(EncryptedBallot.self, c.string("ballot"))
        let context = try digest(c.string("contextHash"))
        let hash = ballot.hash(contextHash: context)
        #expect(hash.hex == c.expected["hash"])
        ballot.answers[1].countProof.responses[2] += .one
        #expect(ballot.hash(contextHash: context) != hash, "the count proof is part of the ballot hash")
        ballot = try decode(EncryptedBallot.self, c.string("ballot"))
        ballot.answers[0].selections[0].proof.commitments[1] = .generator
        #expect(ballot.hash(contextHash: context) != hash, "the proofs' commitments are part of the ballot hash")
        ballot = try decode(EncryptedBallot.self, c.string("ballot"))
        ballot.signature.response += .one
        #expect(ballot.hash(contextHash: context) == hash, "the credential signature is not part of the ballot hash")
    }
}
