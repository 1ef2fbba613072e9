import ArgumentParser
import BoardTestSupport
import Foundation

@testable import PlebisciteCLI

/// Runs `plebiscite` commands in the test process, as a user would type them.
enum CLIRunner {
    static func run(_ args: [String]) async throws {
        let command = try PlebisciteCommand.parseAsRoot(args)
        if var async = command as? any AsyncParsableCommand {
            try await async.run()
        } else {
            // A synchronous command (key derivation, file steps) runs on a thread of its own, never
            // on the cooperative pool (2 threads here) that other tests' awaits need.
            let box = CommandBox(command)
            try await offThePool { try box.command.run() }
        }
    }

    /// A parsed command handed to the thread that runs it (used by that thread alone).
    private final class CommandBox: @unchecked Sendable {
        var command: any ParsableCommand
        init(_ command: any ParsableCommand) { self.command = command }
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

    /// The exit status a command ends with (0 on success), as `plebiscite` would exit.
    static func exitStatus(_ args: [String]) async -> Int32 {
        do {
            try await run(args)
            return 0
        } catch {
            return PlebisciteCommand.exitCode(for: error).rawValue
        }
    }

    /// Creates `dir` with a passphrase file; returns the passphrase arguments every key command takes.
    static func workspace(_ dir: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let pw = "\(dir)/pass"
        try "correct horse battery staple\n".write(toFile: pw, atomically: true, encoding: .utf8)
        return ["--passphrase-file", pw]
    }

    /// Keys for trustees t1, t2, t3 (in DIR/tN) and the credential authority (in DIR/ca).
    static func initParties(_ dir: String, passphrase p: [String]) async throws {
        for t in ["t1", "t2", "t3"] { try await run(["trustee", "init", "--id", t, "--out", "\(dir)/\(t)"] + p) }
        try await run(["authority", "init", "--out", "\(dir)/ca"] + p)
    }

    /// Issues credentials to six voters, alternately in p1 and p2; the public lists go to DIR/lists.json.
    /// Returns the rows voter_id, precinct, credential.
    static func issueCredentials(_ dir: String, record rec: [String], passphrase p: [String]) async throws -> [[String]] {
        var roll = "voter_id,precinct\n"
        for i in 0..<6 { roll += "v\(i),\(i % 2 == 0 ? "p1" : "p2")\n" }
        try roll.write(toFile: "\(dir)/roll.csv", atomically: true, encoding: .utf8)
        try await run(
            [
                "authority", "issue", "--key", "\(dir)/ca/authority.key.json", "--roll", "\(dir)/roll.csv",
                "--credentials-out", "\(dir)/creds.csv", "--lists-out", "\(dir)/lists.json",
            ] + rec + p)
        return try String(contentsOfFile: "\(dir)/creds.csv", encoding: .utf8).split(separator: "\n").dropFirst().map {
            $0.split(separator: ",").map(String.init)
        }
    }

    /// Renders a PDF to PNG pages (pdftoppm) and decodes every QR code on them (zbarimg), in page order.
    static func qrCodes(inPDF pdf: String, work: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        _ = try tool("pdftoppm", ["-r", "150", "-png", pdf, "\(work)/page"])
        let pages = try FileManager.default.contentsOfDirectory(atPath: work).filter { $0.hasSuffix(".png") }.sorted()
        return try pages.flatMap { page in
            try tool("zbarimg", ["--raw", "-q", "\(work)/\(page)"]).split(separator: "\n").map(String.init)
        }
    }

    /// Runs a Debian tool (installed by scripts/install-deps --test) and returns its output.
    static func tool(_ name: String, _ args: [String]) throws -> String {
        guard let path = ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            throw CocoaError(
                .fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "\(name) is not installed: run scripts/install-deps --test"])
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw CocoaError(
                .executableLoad,
                userInfo: [NSLocalizedDescriptionKey: "\(name) \(args.joined(separator: " ")) exited with \(p.terminationStatus)"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
