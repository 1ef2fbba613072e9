import ArgumentParser

@testable import PlebisciteCLI

/// Runs `plebiscite` commands in the test process, as a user would type them.
enum CLIRunner {
    static func run(_ args: [String]) async throws {
        var command = try PlebisciteCommand.parseAsRoot(args)
        if var async = command as? any AsyncParsableCommand { try await async.run() } else { try command.run() }
    }

    /// The message of a refused command ("exit N" for a plain exit code), or nil if it succeeded.
    static func refusal(_ args: [String]) async -> String? {
        do {
            try await run(args)
            return nil
        } catch let code as ExitCode {
            return "exit \(code.rawValue)"
        } catch {
            return PlebisciteCommand.message(for: error)
        }
    }
}
