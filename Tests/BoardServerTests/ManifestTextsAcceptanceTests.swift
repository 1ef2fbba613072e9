import BoardAPI
import BoardService
import ElectionRecord
import ElectionVerifier
import Foundation
import Ristretto
import Testing

@testable import ElectionProtocol

/// The manifest's new fields (texts per language, boothHash, tallyDays) decided alike by the board and the
/// verifier: the same bytes are refused by both with check 2.2 (or by both as not strict), or
/// accepted by both.
@Suite("Manifest texts, booth hash and tally days: board and verifier agree")
struct ManifestTextsAcceptanceTests {
    @Test(
        "Each mutation is refused by the board with 2.2 or a malformed reading exactly when the verifier fails 2.2; valid forms pass both")
    func sameVerdict() async throws {
        let boardKey = Ed25519.SigningKey()
        let (service, cleanup) = try BoardRouterTests.freshService("texts", key: boardKey)
        defer { cleanup() }
        let base = BoardRouterTests.remoteReferendum(
            "texts", trustee: Trustee(id: "t1"), authority: CredentialAuthority(signingKey: Ed25519.SigningKey()), boardKey: boardKey)
        func bytes(_ change: (inout Manifest) -> Void) throws -> [UInt8] {
            var m = base
            change(&m)
            return try RecordCoding.encode(m, pretty: true)
        }
        func replacing(_ old: String, _ new: String, in manifest: [UInt8]) -> [UInt8] {
            Array(String(decoding: manifest, as: UTF8.self).replacingOccurrences(of: old, with: new).utf8)
        }
        let mapped = try bytes { $0.title = LocalizedText(["en": "PLACEHOLDER", "uk": "Референдум"]) }
        let pinned = try bytes { $0.boothHash = try! Digest(bytes: Array(repeating: 0xAB, count: 32)) }
        let cases: [(String, [UInt8], Bool)] = [
            ("plain strings", try bytes { _ in }, true),
            ("a map of languages", mapped, true),
            ("a pinned booth hash", pinned, true),
            ("an empty map", try bytes { $0.title = LocalizedText([:]) }, false),
            ("a key that is no language tag", try bytes { $0.questions[0].options[0] = LocalizedText(["EN": "yes"]) }, false),
            ("an empty text", try bytes { $0.regions[0].name = LocalizedText(["uk": ""]) }, false),
            ("a number for a text", replacing("\"PLACEHOLDER\"", "1", in: mapped), false),
            (
                "an uppercase booth hash", replacing(String(repeating: "ab", count: 32), String(repeating: "AB", count: 32), in: pinned),
                false
            ),
            ("a short booth hash", replacing(String(repeating: "ab", count: 32), "abcd", in: pinned), false),
            ("a tally per day at UTC+3", try bytes { $0.tallyDays = TallyDays(utcOffsetMinutes: 180) }, true),
            ("a tally per day at UTC+15", try bytes { $0.tallyDays = TallyDays(utcOffsetMinutes: 900) }, false),
            (
                "a tally per day over a window of two years",
                try bytes {
                    $0.tallyDays = TallyDays(utcOffsetMinutes: 0)
                    $0.window.closes = $0.window.opens.addingTimeInterval(730 * 86_400)
                }, false
            ),
        ]
        for (i, (name, manifest, valid)) in cases.enumerated() {
            // A fresh election id per case, the same change otherwise.
            let id = "texts-\(i)"
            let bytes = replacing("\"electionId\" : \"texts\"", "\"electionId\" : \"\(id)\"", in: manifest)
            let verifier = RecordVerifier(manifestBytes: bytes, workers: 1).report()
            let verifierRefuses = verifier.failures.contains { $0.check == .manifestWellFormed }
            var boardRefuses = false
            do { _ = try await service.createElection(manifestBytes: bytes) } catch {
                boardRefuses = true
                #expect(
                    error.code == "malformed" || error.checks.contains { $0.check == .manifestWellFormed }, "\(name): \(error.message)")
            }
            #expect(boardRefuses == verifierRefuses, "\(name): board \(boardRefuses), verifier \(verifierRefuses)")
            #expect(boardRefuses == !valid, "\(name)")
        }
    }
}
