import ArgumentParser
import ElectionProtocol
import ElectionRecord
import Foundation
import Testing

@testable import PlebisciteCLI

/// docs/ELECTION.md's example is what `election create` takes: extracted from the page and run.
@Suite("docs/ELECTION.md: the documented spec")
struct ElectionDocTests {
    let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-doc-\(UUID().uuidString)").path

    /// The page's `election.json` block.
    static func documentedSpec() throws -> String {
        let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/ELECTION.md")
        let text = try String(contentsOf: page, encoding: .utf8)
        let start = try #require(text.range(of: "```json election.json\n"), "the page has an election.json block")
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        return String(text[start.upperBound..<end.lowerBound])
    }

    @Test("The example creates an election whose manifest has every field as the page says; the older name is read; both names are refused")
    func example() async throws {
        let p = try CLIRunner.workspace(dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await CLIRunner.initParties(dir, passphrase: p)
        try await CLIRunner.run(["device", "init", "--id", "st1", "--channel", "station", "--out", "\(dir)/dev"] + p)
        let spec = try Self.documentedSpec()
        try spec.write(toFile: "\(dir)/election.json", atomically: true, encoding: .utf8)
        try await CLIRunner.run(
            ["election", "create", "--spec", "\(dir)/election.json", "--record", "\(dir)/rec", "--board-key", "\(dir)/board.key.json"] + p)

        let manifest = try RecordCoding.decodeStrict(
            Manifest.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/rec/manifest.json"))))
        let authority = try RecordCoding.decode(
            PublicIdentity.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/ca/authority.pub.json"))))
        #expect(manifest.electionId == "kyiv-2027" && manifest.version == 2)
        #expect(manifest.title.byLanguage?["uk"] == "Місцевий референдум" && manifest.title.text == "Local referendum")
        #expect(manifest.questions.map(\.id) == ["park", "council"])
        #expect(manifest.questions[0].passing == PassingRule(option: "Yes", minSharePPM: 500_001, minTurnoutPPM: 300_000))
        #expect(manifest.precincts.map(\.id) == ["n1", "n2", "s1"] && manifest.precinct("n2")?.questions == ["park"])
        #expect(manifest.channels == [.station, .remote])
        #expect(
            manifest.trustees.map(\.id) == ["t1", "t2", "t3"] && manifest.trustees.map(\.index) == [1, 2, 3] && manifest.threshold == 2)
        #expect(manifest.credentialAuthority == authority.signingKey)
        #expect(manifest.devices.map(\.id) == ["st1"] && manifest.devices[0].channel == .station)
        #expect(manifest.countingRule == .stationFinal && manifest.minimumCell == 10 && manifest.tallyDays?.utcOffsetMinutes == 180)
        #expect(manifest.boothHash == nil)

        // Defaults: without minimumCell the manifest says 10; the older field name reads the same.
        let older = spec.replacingOccurrences(of: "\"credentialAuthority\"", with: "\"authority\"")
            .replacingOccurrences(of: "\"minimumCell\": 10,", with: "").replacingOccurrences(of: "kyiv-2027", with: "kyiv-older")
        try older.write(toFile: "\(dir)/older.json", atomically: true, encoding: .utf8)
        try await CLIRunner.run(
            ["election", "create", "--spec", "\(dir)/older.json", "--record", "\(dir)/older", "--board-key", "\(dir)/older.key.json"] + p)
        let second = try RecordCoding.decodeStrict(
            Manifest.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/older/manifest.json"))))
        #expect(second.credentialAuthority == authority.signingKey && second.minimumCell == 10)

        let both = spec.replacingOccurrences(
            of: "\"credentialAuthority\": \"ca/authority.pub.json\",",
            with: "\"credentialAuthority\": \"ca/authority.pub.json\", \"authority\": \"ca/authority.pub.json\",")
        try both.write(toFile: "\(dir)/both.json", atomically: true, encoding: .utf8)
        let refused = await CLIRunner.refusal(
            ["election", "create", "--spec", "\(dir)/both.json", "--record", "\(dir)/both", "--board-key", "\(dir)/both.key.json"] + p)
        #expect(refused?.contains("older name of credentialAuthority") == true, "\(refused ?? "accepted")")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/both/manifest.json"), "nothing is written for a refused spec")

        // The help points to the page.
        #expect(PlebisciteCommand.ElectionCommand.Create.helpMessage().contains("docs/ELECTION.md"))
    }
}
