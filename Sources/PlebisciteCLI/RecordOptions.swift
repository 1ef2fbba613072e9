import ArgumentParser
import BoardAPI
import BoardClient
import ElectionProtocol
import ElectionRecord
import ElectionRules
import Foundation

/// The election record a step command works on: a directory of files, or an election on a board
/// (`http://HOST:PORT/elections/ID`), read over HTTP and written to by publishing.
struct RecordOptions: ParsableArguments {
    @Option(help: "The election record: a directory, or a board's election URL http://HOST:PORT/elections/ID.")
    var record: String
    @Option(help: "The board token for this step (administrator's or trustee's; default: $PLEBISCITE_TOKEN).")
    var token: String?

    var directory: RecordDirectory { RecordDirectory(path: record) }
    /// Set when the record is an election on a board.
    var location: ElectionLocation? { ElectionLocation(url: record) }

    /// The bearer token, required for administrator and trustee steps on a board.
    func bearer(_ step: String) throws -> String {
        if let t = token ?? ProcessInfo.processInfo.environment["PLEBISCITE_TOKEN"], !t.isEmpty { return t }
        throw ValidationError("\(step) on a board needs --token (or PLEBISCITE_TOKEN): the token given at election creation")
    }

    /// Runs `body` with a client of the record's board.
    func withBoard<T>(_ body: (BoardClient, ElectionLocation) async throws -> T) async throws -> T {
        guard let location else { throw ValidationError("\(record) is not a board URL") }
        return try await body(BoardClient(board: location.board), location)
    }

    /// The record's state: read from the directory, or downloaded from the board.
    func state() async throws -> RecordState {
        if location != nil {
            let downloaded = try await withBoard { client, loc in try await client.record(loc.electionId) }
            do { return try RecordState(downloaded.loaded) } catch { throw StepFailure("\(record): \(error)") }
        }
        guard FileManager.default.fileExists(atPath: directory.logURL.path) else {
            throw StepFailure("\(record) is not a record: no log.jsonl (create one with `plebiscite election create`)")
        }
        do { return try RecordState(directory: directory) } catch { throw StepFailure("\(error)") }
    }

    /// Enough of the record to encrypt a ballot: on a board, the entries up to the key ceremony's
    /// result, so a voter does not download every ballot cast so far.
    func setupState() async throws -> RecordState {
        guard location != nil else { return try await state() }
        let prefix = try await withBoard { client, loc in try await client.setupRecord(loc.electionId) }
        guard let prefix else { throw StepFailure("the key ceremony of \(record) is not finished: no ballots yet") }
        do { return try RecordState(prefix.loaded) } catch { throw StepFailure("\(record): \(error)") }
    }

    /// The record directory behind the acceptance rules, locked against other processes while it lives.
    func fileBoard(durable: Bool = true) throws -> FileBoard {
        do { return try FileBoard(directory: directory, durable: durable) } catch { throw StepFailure("\(record): \(error)") }
    }

    /// Adds entries to the record: through the acceptance rules to the directory, or published on
    /// the board, which decides by the same rules. An entry already there is not appended again:
    /// its first index is returned. Returns the log indices.
    @discardableResult
    func publish(_ payloads: [EntryPayload], step: String, workers: Int = 1) async throws -> [Int] {
        if location != nil {
            let token = try bearer(step)
            return try await withBoard { client, loc in
                var indices = [Int]()
                for p in payloads { indices.append(try await client.publish(loc.electionId, p, token: token)) }
                return indices
            }
        }
        let board = try fileBoard()
        return try payloads.map { p in
            do {
                let placement = try board.submit(p, at: Files.instant(nil), workers: workers)
                if !placement.appended {
                    print("The \(p.kind) entry is already in the record at index \(placement.seq): nothing appended.")
                }
                return placement.seq
            } catch let r as Refusal { throw StepFailure("\(step) refused: \(r)") }
        }
    }

    /// A trustee's or authority's entries: written to `out` to hand over and, on a board, also
    /// published at once with the step's token.
    func handOver(_ payloads: [EntryPayload], to out: String, step: String) async throws {
        try Files.write(payloads, to: out)
        print("Wrote \(step) to \(out).")
        guard location != nil else { return }
        let indices = try await publish(payloads, step: step)
        print("Published on the board at log index \(indices.map(String.init).joined(separator: ", ")).")
    }
}
