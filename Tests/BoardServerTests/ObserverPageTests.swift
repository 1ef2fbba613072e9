import BoardAPI
import BoardService
import BoardTestSupport
import ElectionRecord
import ElectionVerifier
import Foundation
import Hummingbird
import HummingbirdTesting
import Ristretto
import TestVectors
import Testing
import TransparencyLog
import ZIPFoundation

@testable import BoardServer
@testable import ElectionProtocol

/// The observers' site in headless Chromium against a live board: counts while voting, results
/// after decryption, the server's verifier report, the record download, and the page's monitor.
@Suite("The observers' site in a real browser")
struct ObserverPageTests {
    @Test(
        "The board's list; counts while voting; results, outcome, charts and a valid verifier report after decryption; a rewritten head turns the monitor to its warning"
    )
    func observe() async throws {
        let boardKey = Ed25519.SigningKey()
        let clock = SimulatedClock(Date())
        let (service, cleanup) = try BoardRouterTests.freshService("observe", key: boardKey) { clock.now }
        defer { cleanup() }
        let site = try BoothScript.site()
        defer { try? FileManager.default.removeItem(atPath: site) }
        // Tallied per voting day (UTC): the results show each day's row beside the total.
        let election = try await BoardRouterTests.openReferendum("observe", on: service, boardKey: boardKey, voters: 4) {
            $0.tallyDays = TallyDays(utcOffsetMinutes: 0)
        }
        let config = try BoothPageTests.configuration(booth: site)
        try await buildApplication(service: service, configuration: config).test(.live) { client in
            let port = try #require(client.port)
            let page = "http://127.0.0.1:\(port)/elections/observe/"
            let browser = try await WebDriver()
            defer { Task { await browser.close() } }
            // The board's front page lists the election by its title.
            try await browser.open("http://127.0.0.1:\(port)/")
            try await browser.wait("document.body.dataset.ready === 'true'")
            #expect(try await browser.text("#elections").contains("HTTP"))

            // Voting: counts only.
            try await browser.open(page)
            try await browser.wait("document.body.dataset.ready === 'true'")
            #expect(try await browser.text("#phase") == "voting")
            #expect(try await browser.text("#monitor-ok").contains("(1 kept)"))
            let encryptor = BallotEncryptor(context: election.context)
            for (v, choice) in [(0, 0), (1, 0), (2, 1)] {
                let b = try encryptor.encrypt(
                    precinct: "p", channel: .remote, credential: election.issued[v].credential, choices: ["ref": [choice]])
                _ = try await service.cast("observe", b.ballot)
            }
            let challenged = try encryptor.encrypt(
                precinct: "p", channel: .remote, credential: election.issued[3].credential, choices: ["ref": [1]])
            _ = try await service.spoil("observe", SpoiledBallot(ballot: challenged.ballot, reveals: challenged.secrets.reveals))
            try await browser.open(page)
            try await browser.wait("document.body.dataset.ready === 'true'")
            let row =
                try await browser.script(
                    "return [...document.querySelectorAll('#counts tbody tr')].map((r) => [...r.children].map((c) => c.textContent))")
                as? [[String]]
            #expect(row == [["P", "online", "3", "1", "4"]], "the channel named in the page's language")
            #expect(try await browser.script("return document.getElementById('results-section').hidden") as? Bool == true)
            #expect(try await browser.text("#monitor-ok").contains("2 kept"), "a grown log is proved consistent and kept")
            // The server's verdict follows the board while voting: it comes to cover every entry, and says so.
            let votingEntries = try await service.status("observe").entries
            try await browser.wait(
                "document.getElementById('verification').textContent.includes(\"first \(votingEntries) of the board's \(votingEntries) entries (voting): valid\")"
            )

            let votingDay = TallyDays(utcOffsetMinutes: 0).day(of: clock.now)
            // After the window: close, tally, decryption, result.
            clock.set(clock.now.addingTimeInterval(7_200))
            let result = try await election.decide(on: service)
            #expect(result.summary.total.questions[0].counts == [2, 1])
            try await browser.open(page)
            try await browser.wait("document.body.dataset.ready === 'true' && !document.getElementById('results-section').hidden")
            #expect(try await browser.text("#phase") == "decrypted: results final")
            #expect(try await browser.text(".outcome").hasPrefix("Majority: yes"))
            #expect(try await browser.script("return document.querySelectorAll('#results svg rect').length") as? Int ?? 0 >= 3)
            let totalRow =
                try await browser.script(
                    "return [...document.querySelector('#results tr.total').children].map((c) => c.textContent)") as? [String]
            #expect(totalRow == ["Total", "4", "3", "75.00%", "2", "1", "0"])
            let dayRows =
                try await browser.script(
                    "return [...document.querySelectorAll('#results tr.day')].map((r) => [...r.children].map((c) => c.textContent))")
                as? [[String]]
            #expect(dayRows == [["Voting day: \(votingDay)", "4", "3", "75.00%", "2", "1", "0"]])
            // The server's own verifier run: started by the visit, followed by the page until it covers the record.
            try await browser.wait(
                "((t) => t.includes('decrypted') && t.includes(': valid;'))(document.getElementById('verification').textContent)")
            let verdict = try await browser.text("#verification")
            #expect(verdict.contains("decrypted") && verdict.contains(": valid;"), "\(verdict)")
            let finalEntries = try await service.status("observe").entries
            #expect(verdict.contains("first \(finalEntries) of the board's \(finalEntries) entries"), "\(verdict)")
            // The forensics of the verified result, one link away (three ballots: the tests say they lack data).
            #expect(try await browser.script("return document.getElementById('forensics-link').hidden") as? Bool == false)
            try await client.execute(uri: "/elections/observe/forensics.html", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(String(buffer: r.body).contains("election observe"))
            }
            try await client.execute(uri: "/elections/observe/forensics.html?lang=uk", method: .get) { r in
                #expect(String(buffer: r.body).contains("<html lang=\"uk\">") && String(buffer: r.body).contains("Криміналістика виборів"))
            }
            #expect(
                try await browser.script("return document.getElementById('forensics-link').href") as? String
                    == "\(page)forensics.html?lang=en")
            let png = try await browser.screenshot()
            #expect(png.count > 5_000)
            let tree = try await browser.accessibilityTree()
            let controls = ["textbox", "button", "link", "combobox"]
            #expect(tree.filter { controls.contains($0.role) }.allSatisfy { !$0.name.isEmpty }, "\(tree)")
            // On a 360 px phone, in Ukrainian: the page keeps the screen's width (a wide table scrolls in
            // its own box), chart text is drawn at 12 px, channels are named in the page's language.
            try await browser.resize(width: 360, height: 740)
            try await browser.open(page + "?lang=uk")
            try await browser.wait("document.body.dataset.ready === 'true' && !document.getElementById('results-section').hidden")
            let widths = try await browser.script("return [document.documentElement.scrollWidth, window.innerWidth]") as? [Int] ?? []
            #expect(widths.count == 2 && widths[1] <= 360 && widths[0] <= widths[1], "page \(widths) px wide")
            let chartText = try await browser.script(
                "const s = document.querySelector('#results svg'); return s.getBoundingClientRect().width / s.viewBox.baseVal.width * 12")
            #expect(
                (chartText as? Double ?? (chartText as? Int).map(Double.init) ?? 0) >= 11.5,
                "chart text \(String(describing: chartText)) px")
            let ukCounts =
                try await browser.script(
                    "return [...document.querySelectorAll('#counts tbody tr')].map((r) => r.children[1].textContent)") as? [String]
            #expect(ukCounts == ["онлайн"])
            #expect(try await browser.text("#results tr.total th") == "Усього")
            try await browser.resize(width: 1280, height: 900)

            // The record download verifies on its own.
            let zip = try await client.execute(uri: "/elections/observe/record.zip", method: .get) { r in
                #expect(r.headers[.contentType] == "application/zip")
                return Data(buffer: r.body)
            }
            let archive = try Archive(data: zip, accessMode: .read)
            var files = [String: Data]()
            for entry in archive {
                var data = Data()
                _ = try archive.extract(entry) { data.append($0) }
                files[entry.path] = data
            }
            #expect(files.keys.sorted() == ["observe/log.jsonl", "observe/manifest.json", "observe/treeheads.jsonl"])
            var record = LoadedRecord.parse(manifestBytes: Array(files["observe/manifest.json"]!), log: Array(files["observe/log.jsonl"]!))
            record.treeHeads = try files["observe/treeheads.jsonl"]!.split(separator: 10).map {
                try RecordCoding.decode(SignedTreeHead.self, from: Array($0))
            }
            let report = RecordVerifier.verify(record, workers: 2)
            #expect(report.ok && report.result?.total.ballots == 3, "\(report.failures)")

            // A board that once showed another log of the same size: the monitor warns, with both heads.
            let current = try await service.currentTreeHead("observe")
            let forged = SignedTreeHead.sign(
                MerkleTree(leaves: (0..<current.size).map { [UInt8($0 % 256), 7] }), key: boardKey,
                lastEntryAt: Date(timeIntervalSince1970: Double(current.timestamp) / 1000))
            let forgedJSON = String(decoding: try RecordCoding.encode([forged]), as: UTF8.self)
            _ = try await browser.script("localStorage.setItem('plebiscite.heads.observe', \(String(reflecting: forgedJSON))); return 0;")
            try await browser.open(page)
            try await browser.wait("document.body.dataset.ready === 'true'")
            #expect(try await browser.text("#monitor h2") == "WARNING: this board rewrote its history")
            #expect(try await browser.text("#monitor").contains("two different logs"))
            let evidence = try await browser.text("#evidence")
            #expect(evidence.contains(forged.root) && evidence.contains(current.root))
        }
    }
}
