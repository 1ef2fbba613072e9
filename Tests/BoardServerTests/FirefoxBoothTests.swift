import BoardAPI
import BoardService
import BoardTestSupport
import ElectionRecord
import Foundation
import Hummingbird
import HummingbirdTesting
import Ristretto
import TestVectors
import Testing

@testable import BoardServer
@testable import ElectionProtocol

/// The booth in Firefox too: Debian's firefox-esr, headless, driven over WebDriver BiDi (built into
/// Firefox, no geckodriver) by booth/test/firefox-booth.py against a live board.
@Suite("The booth in Firefox")
struct FirefoxBoothTests {
    @Test("A voter votes, challenges and casts in Firefox; the receipt checks in the page; the tracking page says the ballot counts")
    func voteInFirefox() async throws {
        let boardKey = Ed25519.SigningKey()
        let (service, cleanup) = try BoardRouterTests.freshService("firefox", key: boardKey)
        defer { cleanup() }
        let site = try BoothScript.site()
        defer { try? FileManager.default.removeItem(atPath: site) }
        let election = try await BoardRouterTests.openReferendum("firefox-test", on: service, boardKey: boardKey, voters: 1)
        let config = try BoothPageTests.configuration(booth: site)
        try await buildApplication(service: service, configuration: config).test(.live) { client in
            let port = try #require(client.port)
            let base = "http://127.0.0.1:\(port)/elections/firefox-test"
            let script = BoothScript.root.appendingPathComponent("booth/test/firefox-booth.py").path
            // Debian's Python, which has Debian's python3-websockets; Firefox in the process's browser turn.
            let output = try await BrowserTurn.run {
                try await ChildProcess.run(["/usr/bin/python3", script, "\(base)/vote#c=\(election.issued[0].credential.text)", "\(base)/track/"])
            }
            let last = try #require(output.split(separator: "\n").last)
            let shown = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: String], "\(output)")
            #expect(shown["userAgent"]?.contains("Firefox") == true)
            #expect(shown["hashAfterLoad"] == "", "the credential leaves the address bar")
            #expect(shown["checksum"] == "The checksum is correct.")
            #expect(shown["challengeResult"]?.contains("encrypted exactly your choices") == true)
            #expect(shown["challenged"] != shown["cast"], "a challenged encryption is never cast")
            #expect(shown["receiptStatus"] == "The receipt checks: the board signed a tree that holds your ballot.")
            #expect(shown["trackStatus"] == "counts")
            // The board holds the challenged ballot opened and the cast one, both valid.
            let kinds = try await service.export("firefox-test").log.map { try RecordCoding.decode(LogEntry.self, from: $0).payload }
            let ballots = kinds.compactMap { if case .ballot(let b) = $0 { b } else { nil } }
            let spoiled = kinds.compactMap { if case .spoiledBallot(let s) = $0 { s } else { nil } }
            #expect(ballots.count == 1 && spoiled.count == 1)
            #expect(spoiled.first?.revealedChoices == [[0]])
            #expect(ballots.first.map { ProtocolHashes.trackingCode($0.hash(contextHash: election.context.contextHash)) } == shown["cast"])
        }
    }
}
