import Foundation
import Testing

/// A data problem is the data's, not a command-line mistake: one line naming it, exit 1.
@Suite("plebiscite forensics on data it cannot read")
struct ForensicsRefusalTests {
    @Test("A file whose header has no protocol rows, and a missing file: one line, exit 1, no usage text")
    func dataProblems() async throws {
        let path = NSTemporaryDirectory() + "plebiscite-forensics-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "region,uik,a,b\nr,1,2,3\n".write(toFile: path, atomically: true, encoding: .utf8)
        let args = ["forensics", path, "--preset", "russia", "--draws", "10"]
        #expect(await CLIRunner.exitStatus(args) == 1)
        let message = try #require(await CLIRunner.refusal(args))
        #expect(message.contains("registered voters") && !message.contains("\n") && !message.contains("USAGE"), "\(message)")
        let missing = ["forensics", path + ".absent", "--preset", "russia"]
        #expect(await CLIRunner.exitStatus(missing) == 1)
        #expect(await CLIRunner.refusal(missing)?.hasPrefix("no file at") == true)
    }
}
