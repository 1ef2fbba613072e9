import AsyncHTTPClient
import BoardAPI
import BoardService
import BoardTestSupport
import ElectionRecord
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOSSL
import Ristretto
import TestVectors
import Testing

@testable import BoardServer
@testable import ElectionProtocol

/// The voting page in headless Chromium (chromedriver), against a live board.
@Suite("The booth in a real browser")
struct BoothPageTests {
    /// A board on a free port serving the booth of `site`.
    /// A live board for the pages' tests. Its idle timeout is far beyond any stall of a loaded test
    /// process: HummingbirdTesting's live client does not reconnect when the board has closed its
    /// connection ("I/O on closed channel", BoardHardeningTests.idleCloseUnderTestClient).
    static func configuration(booth site: String, requireBooth: Bool = true) throws -> BoardServerConfiguration {
        var config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "op")
        config.port = 0
        config.idleTimeout = .seconds(600)
        if requireBooth { config.booth = try BoothAssets(directory: site) }
        return config
    }

    @Test(
        "A voter opens the letter's link, chooses, reviews, challenges, casts; another votes by keyboard alone; every control is named; the receipts check and the board holds the ballots"
    )
    func voteChallengeCast() async throws {
        let boardKey = Ed25519.SigningKey()
        let (service, cleanup) = try BoardRouterTests.freshService("page", key: boardKey)
        defer { cleanup() }
        let site = try BoothScript.site()
        defer { try? FileManager.default.removeItem(atPath: site) }
        let election = try await BoardRouterTests.openReferendum("page-test", on: service, boardKey: boardKey, voters: 3)
        let (context, issued) = (election.context, election.issued)
        let config = try BoothPageTests.configuration(booth: site)
        try await buildApplication(service: service, configuration: config).test(.live) { client in
            let port = try #require(client.port)
            let browser = try await WebDriver()
            defer { Task { await browser.close() } }
            let credential = issued[1].credential.text
            try await browser.open("http://127.0.0.1:\(port)/elections/page-test/vote#c=\(credential)")
            try await browser.wait("document.body.dataset.ready === 'true'")
            #expect(try await browser.script("return location.hash") as? String == "", "the credential leaves the address bar")
            #expect(try await browser.text("#credential-help") == "The checksum is correct.")
            // Every control has an accessible name (WCAG 4.1.2), with the names the issue fixes.
            let first = try await browser.accessibilityTree()
            #expect(first.contains { $0.role == "textbox" && $0.name == "Credential" }, "\(first)")
            #expect(first.contains { $0.role == "button" && $0.name == "Continue" })
            try await browser.click("#continue")
            try await browser.wait("!document.getElementById('step-ballot').hidden")
            let ballotTree = try await browser.accessibilityTree()
            #expect(
                ballotTree.contains { $0.role == "radio" && $0.name == "yes" }
                    && ballotTree.contains { $0.role == "radio" && $0.name == "no" })
            #expect(ballotTree.contains { $0.role == "button" && $0.name == "Review" })
            let controls = ["textbox", "radio", "checkbox", "button", "link", "combobox"]
            #expect(ballotTree.filter { controls.contains($0.role) }.allSatisfy { !$0.name.isEmpty }, "an unnamed control: \(ballotTree)")
            // "no" is option 1 of the yes/no question.
            try await browser.click("input[name='ref'][value='1']")
            try await browser.click("#review")
            try await browser.wait("document.getElementById('tracking').textContent.length === 19")
            let reviewTree = try await browser.accessibilityTree()
            #expect(["Challenge", "Cast"].allSatisfy { name in reviewTree.contains { $0.role == "button" && $0.name == name } })
            #expect(reviewTree.contains { $0.role == "status" }, "the tracking code is in a status element")
            let firstCode = try await browser.text("#tracking")
            try await browser.click("#challenge")
            try await browser.wait("document.getElementById('challenge-result').textContent.length > 0")
            #expect(try await browser.text("#challenge-result").contains("encrypted exactly your choices"))
            #expect(try await browser.text("#challenge-result").contains("check code \(firstCode) on another device"))
            #expect(
                try await browser.script("return document.getElementById('challenge-track').getAttribute('href')") as? String
                    == "/elections/page-test/track/\(firstCode)")
            let second = try await browser.text("#tracking")
            #expect(second != firstCode, "a challenged encryption is never cast: the page encrypts afresh")
            try await browser.click("#cast")
            try await browser.wait("!document.getElementById('step-done').hidden")
            #expect(try await browser.text("#final-tracking") == second)
            #expect(try await browser.text("#receipt-status") == "The receipt checks: the board signed a tree that holds your ballot.")
            let png = try await browser.screenshot()
            #expect(png.count > 5_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a rendered page, not a blank one")
            // The receipt the voter saves, and the page that checks the ballot later from it.
            let receiptJSON = try #require(
                try await browser.script("return document.getElementById('receipt-json').textContent") as? String)
            let receiptPath = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("receipt-\(UUID().uuidString).json").path
            try Data(receiptJSON.utf8).write(to: URL(fileURLWithPath: receiptPath))
            defer { try? FileManager.default.removeItem(atPath: receiptPath) }
            try await browser.click("#track-link")
            try await browser.wait("document.getElementById('result')?.dataset.status === 'counts'")
            #expect(try await browser.text("#result").contains("it is the one that counts"))
            // The challenged ballot's tracking page, as on another device: what it contained, checked in the page.
            try await browser.open("http://127.0.0.1:\(port)/elections/page-test/track/\(firstCode)")
            try await browser.wait("document.getElementById('result')?.dataset.status === 'spoiled'")
            #expect(try await browser.text("#result").contains("checked on this device against its encryption"))
            let opened = try await browser.text("#opened")
            #expect(opened == "? no", "the question \"?\" and the option revealed, with no \"?:\": \(opened)")
            // Keyboard only: Tab past the language switch to the credential, type it, Enter; arrow to
            // "no", Tab to Review, Enter; Enter casts. The same voter votes again: a re-vote.
            try await browser.open("http://127.0.0.1:\(port)/elections/page-test/vote")
            try await browser.wait("document.body.dataset.ready === 'true'")
            try await browser.press(
                [WebDriver.Key.tab, WebDriver.Key.tab] + issued[1].credential.text.map(String.init) + [WebDriver.Key.enter])
            try await browser.wait("!document.getElementById('step-ballot').hidden")
            try await browser.press([WebDriver.Key.arrowDown, WebDriver.Key.tab, WebDriver.Key.enter])
            try await browser.wait("!document.getElementById('step-review').hidden")
            #expect(try await browser.script("return document.activeElement.id") as? String == "cast", "focus moves to Cast")
            try await browser.press([WebDriver.Key.enter])
            try await browser.wait("!document.getElementById('step-done').hidden")
            #expect(try await browser.text("#receipt-status").hasPrefix("The receipt checks"))
            // Later, with the first receipt: the board still holds it, and the re-vote replaced it.
            try await browser.open("http://127.0.0.1:\(port)/elections/page-test/track/\(second)")
            try await browser.wait("document.getElementById('result')?.dataset.status === 'superseded'")
            try await browser.choose("#receipt", file: receiptPath)
            try await browser.click("#check")
            try await browser.wait("document.getElementById('result').textContent.includes('still holds')")
            #expect(try await browser.text("#result").contains("replaced it"))
            let trackTree = try await browser.accessibilityTree()
            #expect(
                ["Tracking code", "Receipt (optional)", "Check", "Language"].allSatisfy { name in trackTree.contains { $0.name == name } },
                "\(trackTree)")
            // A mistyped credential is caught in the page, before anything is sent.
            try await browser.open("http://127.0.0.1:\(port)/elections/page-test/vote")
            try await browser.wait("document.body.dataset.ready === 'true'")
            var typo = Array(issued[2].credential.text)
            typo[0] = typo[0] == "0" ? "1" : "0"
            try await browser.type("#credential", String(typo))
            #expect(try await browser.text("#credential-help").contains("checksum does not match"))
        }
        // The board holds the challenged ballot as spoiled and the cast one as a ballot.
        let record = try await service.export("page-test")
        let kinds = try record.log.map { try RecordCoding.decode(LogEntry.self, from: $0).payload }
        let spoiled = kinds.compactMap { if case .spoiledBallot(let s) = $0 { s } else { nil } }
        let ballots = kinds.compactMap { if case .ballot(let b) = $0 { b } else { nil } }
        #expect(spoiled.count == 1 && ballots.count == 2)
        #expect(ballots.map(\.credential) == [issued[1].credential.publicKey, issued[1].credential.publicKey])
        #expect(spoiled.first?.ballot.credential == issued[1].credential.publicKey)
        #expect(spoiled.first?.revealedChoices == [[1]])
        let registry = try await service.context("page-test").1
        #expect(ballots.allSatisfy { $0.check(in: context, credentials: registry).isEmpty })
    }
}

extension BoothPageTests {
    @Test("Each page renders in Ukrainian, Russian and English: by ?lang=, by the browser's languages, by the switch")
    func languages() async throws {
        let boardKey = Ed25519.SigningKey()
        let (service, cleanup) = try BoardRouterTests.freshService("lang", key: boardKey)
        defer { cleanup() }
        let site = try BoothScript.site()
        defer { try? FileManager.default.removeItem(atPath: site) }
        // The manifest's texts in three languages (the precinct's name in one only: a plain string stays valid).
        let election = try await BoardRouterTests.openReferendum("lang-test", on: service, boardKey: boardKey, voters: 1) { m in
            m.title = LocalizedText(["uk": "Референдум", "ru": "Референдум", "en": "Referendum"])
            m.questions[0].text = LocalizedText(["uk": "Чи згодні ви?", "ru": "Согласны ли вы?", "en": "Do you agree?"])
            m.questions[0].options = [
                LocalizedText(["uk": "Так", "ru": "Да", "en": "Yes"]), LocalizedText(["uk": "Ні", "ru": "Нет", "en": "No"]),
            ]
        }
        let config = try BoothPageTests.configuration(booth: site)
        try await buildApplication(service: service, configuration: config).test(.live) { client in
            let port = try #require(client.port)
            // Chromium told to prefer Russian sends it as Accept-Language and lists it in navigator.languages.
            let browser = try await WebDriver(arguments: ["--accept-lang=ru-RU,ru"])
            defer { Task { await browser.close() } }
            let expected: [(String, [String: String])] = [
                ("uk", ["credential": "Облікові дані", "continue": "Далі", "title": "Plebiscite: голосування"]),
                ("ru", ["credential": "Учётные данные", "continue": "Далее", "title": "Plebiscite: голосование"]),
                ("en", ["credential": "Credential", "continue": "Continue", "title": "Plebiscite: vote"]),
            ]
            for (lang, texts) in expected {
                try await browser.open("http://127.0.0.1:\(port)/elections/lang-test/vote?lang=\(lang)")
                try await browser.wait("document.body.dataset.ready === 'true'")
                #expect(try await browser.script("return document.documentElement.lang") as? String == lang)
                #expect(try await browser.script("return document.title") as? String == texts["title"])
                let tree = try await browser.accessibilityTree()
                #expect(tree.contains { $0.role == "textbox" && $0.name == texts["credential"] }, "\(lang): \(tree)")
                #expect(tree.contains { $0.role == "button" && $0.name == texts["continue"] }, "\(lang)")
                #expect(tree.contains { $0.role == "combobox" && !$0.name.isEmpty }, "the language switch is labelled")
            }
            // The ballot in the voter's language, from the manifest's maps.
            try await browser.open("http://127.0.0.1:\(port)/elections/lang-test/vote?lang=uk#c=\(election.issued[0].credential.text)")
            try await browser.wait("document.body.dataset.ready === 'true'")
            try await browser.click("#continue")
            try await browser.wait("!document.getElementById('step-ballot').hidden")
            #expect(try await browser.text("#title") == "Референдум")
            #expect(try await browser.text("legend") == "Чи згодні ви?")
            var tree = try await browser.accessibilityTree()
            #expect(
                tree.contains { $0.role == "radio" && $0.name == "Так" } && tree.contains { $0.role == "radio" && $0.name == "Ні" },
                "\(tree)")
            _ = try await browser.script(
                "const s = document.getElementById('language'); s.value = 'ru'; s.dispatchEvent(new Event('change')); return 0;")
            tree = try await browser.accessibilityTree()
            #expect(tree.contains { $0.role == "radio" && $0.name == "Да" }, "the switch re-renders the ballot")
            #expect(tree.contains { $0.role == "button" && $0.name == "Просмотреть" })
            // No ?lang=: the browser's preference (Russian) decides.
            try await browser.open("http://127.0.0.1:\(port)/elections/lang-test/track/0000-0000-0000-0000")
            try await browser.wait("document.body.dataset.ready === 'true'")
            #expect(try await browser.text("#check") == "Проверить")
            try await browser.wait("document.getElementById('error').textContent.length > 0")
            #expect(try await browser.text("#error").contains("нет бюллетеня"), "the refusal in the voter's language")
            // The switch re-renders at once, and keeps the language in the address.
            _ = try await browser.script(
                "const s = document.getElementById('language'); s.value = 'uk'; s.dispatchEvent(new Event('change')); return 0;")
            #expect(try await browser.text("#check") == "Перевірити")
            #expect((try await browser.script("return location.search") as? String) == "?lang=uk")
            let png = try await browser.screenshot()
            #expect(png.count > 5_000, "a rendered page")
        }
    }
}

extension BoothPageTests {
    @Test("A manifest that pins the booth's hash: the booth runs when its files match, and refuses to run when they do not")
    func pinnedBooth() async throws {
        let boardKey = Ed25519.SigningKey()
        let (service, cleanup) = try BoardRouterTests.freshService("pin", key: boardKey)
        defer { cleanup() }
        let site = try BoothScript.site()
        defer { try? FileManager.default.removeItem(atPath: site) }
        let booth = try BoothAssets(directory: site)
        let pinned = try Digest(hex: booth.hash)
        let right = try await BoardRouterTests.openReferendum("pin-right", on: service, boardKey: boardKey, voters: 1) {
            $0.boothHash = pinned
        }
        _ = try await BoardRouterTests.openReferendum("pin-wrong", on: service, boardKey: boardKey, voters: 1) {
            $0.boothHash = try! Digest(bytes: pinned.bytes.reversed())
        }
        var config = try Self.configuration(booth: "", requireBooth: false)
        config.booth = booth
        try await buildApplication(service: service, configuration: config).test(.live) { client in
            let port = try #require(client.port)
            let browser = try await WebDriver()
            defer { Task { await browser.close() } }
            try await browser.open("http://127.0.0.1:\(port)/elections/pin-right/vote#c=\(right.issued[0].credential.text)")
            try await browser.wait("document.body.dataset.ready === 'true'")
            try await browser.click("#continue")
            try await browser.wait("!document.getElementById('step-ballot').hidden")
            try await browser.open("http://127.0.0.1:\(port)/elections/pin-wrong/vote#c=\(right.issued[0].credential.text)")
            try await browser.wait("document.body.dataset.ready === 'refused'")
            #expect(try await browser.text("#error").contains("not the one the election's manifest pins"))
            #expect(try await browser.script("return document.getElementById('continue').disabled") as? Bool == true)
            #expect(try await browser.script("return document.getElementById('credential').value") as? String == "")
            #expect(try await browser.script("return location.hash") as? String == "")
        }
    }
}

extension BoothPageTests {
    @Test("Served as in production: HTTPS with a certificate made in the test, HSTS on every answer, the booth driven over it")
    func overHTTPS() async throws {
        let boardKey = Ed25519.SigningKey()
        let (service, cleanup) = try BoardRouterTests.freshService("https", key: boardKey)
        defer { cleanup() }
        let site = try BoothScript.site()
        defer { try? FileManager.default.removeItem(atPath: site) }
        let certDir = NSTemporaryDirectory() + "board-cert-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: certDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: certDir) }
        let certificate = try TestCertificate.make(in: certDir)
        let election = try await BoardRouterTests.openReferendum("tls-test", on: service, boardKey: boardKey, voters: 1)
        var config = try BoothPageTests.configuration(booth: site)
        config.tls = try BoardTLS.configuration(certificateChain: certificate.certificate, privateKey: certificate.key)
        // A missing or swapped file is named.
        #expect(throws: BoardTLS.Failure.self) {
            try BoardTLS.configuration(certificateChain: certDir + "/none.pem", privateKey: certificate.key)
        }
        #expect(throws: BoardTLS.Failure.self) {
            try BoardTLS.configuration(certificateChain: certificate.key, privateKey: certificate.key)
        }
        #expect(throws: BoardTLS.Failure.self) {
            try BoardTLS.configuration(certificateChain: certificate.certificate, privateKey: certificate.certificate)
        }
        let board = try await RunningBoard.start(service: service, configuration: config)
        defer { Task { await board.stop() } }
        #expect(board.url.hasPrefix("https://"))
        // A client that trusts the test's certificate: HSTS and nosniff on a JSON answer and on a page.
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificate.certificate))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        defer { _ = http.shutdown() }
        for path in ["/health", "/elections/tls-test/vote", "/elections/nowhere/manifest"] {
            let response = try await http.execute(HTTPClientRequest(url: board.url + path), timeout: .seconds(10))
            #expect(response.headers["Strict-Transport-Security"].first == "max-age=31536000; includeSubDomains", "\(path)")
            #expect(response.headers["X-Content-Type-Options"].first == "nosniff", "\(path)")
        }
        // Plain HTTP on the TLS port gets no answer.
        await #expect(throws: (any Error).self) {
            _ = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(board.port)/health"), timeout: .seconds(5))
        }
        let browser = try await WebDriver(arguments: ["--ignore-certificate-errors"])
        defer { Task { await browser.close() } }
        try await browser.open("\(board.url)/elections/tls-test/vote#c=\(election.issued[0].credential.text)")
        try await browser.wait("document.body.dataset.ready === 'true'")
        #expect(try await browser.script("return window.isSecureContext && location.protocol") as? String == "https:")
        try await browser.click("#continue")
        try await browser.wait("!document.getElementById('step-ballot').hidden")
        try await browser.click("input[name='ref'][value='0']")
        try await browser.click("#review")
        try await browser.wait("!document.getElementById('step-review').hidden")
        try await browser.click("#cast")
        try await browser.wait("!document.getElementById('step-done').hidden")
        #expect(try await browser.text("#receipt-status").hasPrefix("The receipt checks"))
    }
}

extension BoothPageTests {
    @Test(
        "Refusals in the voter's language with what to do next: a credential on no list, a revoked one, a closed election, a board gone; on a phone-sized screen nothing overflows"
    )
    func refusalsOnAPhone() async throws {
        let boardKey = Ed25519.SigningKey()
        let clock = SimulatedClock(Date())
        let (service, cleanup) = try BoardRouterTests.freshService("refusals", key: boardKey) { clock.now }
        defer { cleanup() }
        let site = try BoothScript.site()
        defer { try? FileManager.default.removeItem(atPath: site) }
        let election = try await BoardRouterTests.openReferendum("refusals", on: service, boardKey: boardKey, voters: 3)
        let (revocation, _) = election.authority.revoke(
            election.issued[1].credential.publicKey, voterId: "v1", precinct: "p", manifest: election.manifest,
            manifestHash: election.manifestHash)
        _ = try await service.publish("refusals", .credentialRevocation(revocation))
        // Open past the first one's close (the board's clock never goes back): the booth takes its credential.
        let second = try await BoardRouterTests.openReferendum("refusals-2", on: service, boardKey: boardKey, voters: 1) {
            $0.window.closes = $0.window.closes.addingTimeInterval(86_400)
        }
        let config = try BoothPageTests.configuration(booth: site)
        let board = try await RunningBoard.start(service: service, configuration: config)
        var stopped = false
        defer { if !stopped { Task { await board.stop() } } }
        let browser = try await WebDriver(windowSize: (360, 740))
        defer { Task { await browser.close() } }
        let vote = "\(board.url)/elections/refusals/vote?lang=uk"
        func fits() async throws -> Bool {
            try await browser.script("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool == true
        }
        func start(_ credential: String) async throws {
            try await browser.open("about:blank")
            try await browser.open("\(vote)#c=\(credential)")
            try await browser.wait("document.body.dataset.ready === 'true'")
            try await browser.click("#continue")
        }
        // On no list; revoked: told before any ballot is shown.
        try await start(VoterCredential.generate(electionId: "refusals").text)
        try await browser.wait("document.getElementById('error').textContent.length > 0")
        #expect(try await browser.text("#error").contains("немає в жодному списку"))
        #expect(try await fits(), "the credential step fits a 360 px screen")
        try await start(election.issued[1].credential.text)
        try await browser.wait("document.getElementById('error').textContent.length > 0")
        #expect(try await browser.text("#error").contains("відкликано"))
        // The election closes while the voter reviews: the cast is refused, in Ukrainian.
        try await start(election.issued[0].credential.text)
        try await browser.wait("!document.getElementById('step-ballot').hidden")
        #expect(try await fits(), "the ballot fits a 360 px screen")
        try await browser.click("input[name='ref'][value='0']")
        try await browser.click("#review")
        try await browser.wait("!document.getElementById('step-review').hidden")
        #expect(try await fits(), "the review fits a 360 px screen")
        let now = clock.now
        clock.set(now.addingTimeInterval(7_200))
        _ = try await service.close("refusals")
        try await browser.click("#cast")
        try await browser.wait("document.getElementById('error').textContent.length > 0")
        #expect(try await browser.text("#error").contains("Голосування завершено"))
        // Opened after the close: the booth says so before anything is typed, and takes no credential;
        // the election's fingerprint is the manifest hash's, as on the letter.
        try await browser.open("about:blank")
        try await browser.open(vote)
        try await browser.wait("document.body.dataset.ready === 'closed'")
        #expect(try await browser.text("#open-state").contains("Голосування завершено"))
        #expect(try await browser.script("return document.getElementById('credential').disabled") as? Bool == true)
        #expect(try await browser.text("#fingerprint").contains(election.manifestHash.fingerprint))
        #expect(try await browser.text("#preview").count > 0, "the questions are shown before any credential")
        // The board goes away: the voter is told to check the connection and try again.
        try await browser.open("about:blank")
        try await browser.open("\(board.url)/elections/refusals-2/vote?lang=uk#c=\(second.issued[0].credential.text)")
        try await browser.wait("document.body.dataset.ready === 'true'")
        try await browser.click("#continue")
        try await browser.wait("!document.getElementById('step-ballot').hidden")
        try await browser.click("input[name='ref'][value='1']")
        try await browser.click("#review")
        try await browser.wait("!document.getElementById('step-review').hidden")
        await board.stop()
        stopped = true
        try await browser.click("#cast")
        try await browser.wait("document.getElementById('error').textContent.length > 0")
        #expect(try await browser.text("#error").contains("Дошка недоступна"))
        #expect(
            try await browser.script("return document.getElementById('step-review').hidden") as? Bool == false,
            "the ballot stays, to cast again")
    }
}
