import Testing

@testable import PlebisciteCLI

@Suite("bench arithmetic")
struct ArithmeticBenchTests {
    @Test("Every operation is timed both ways in the same run, and its ratio is theirs")
    func figures() throws {
        let figures = try PlebisciteCommand.ArithmeticBench.measure(iterations: 4, terms: 3, batchTerms: 32)
        #expect(figures.map(\.operation.first) == ["d", "e", "a", "v", "m", "f", "m", "y"])
        for f in figures {
            #expect(f.ownMicroseconds > 0 && f.libsodiumMicroseconds > 0)
            #expect(abs(f.ratio - f.ownMicroseconds / f.libsodiumMicroseconds) < 1e-9, "\(f.operation)")
        }
        #expect(figures[4].operation.contains("3 terms") && figures[6].operation.contains("of 32"))
    }

    @Test("bench differential runs every operation against libsodium and succeeds when all agree; no rounds is a usage error")
    func differential() async throws {
        #expect(await CLIRunner.refusal(["bench", "differential", "--operations", "20"]) == nil)
        #expect(await CLIRunner.exitStatus(["bench", "differential", "--operations", "0"]) == 64)
    }
}
