import ArgumentParser
import BoardAPI
import BoardClient
import ElectionRecord
import Foundation
import TransparencyLog

extension PlebisciteCommand {
    /// `plebiscite monitor URL`: an observer's watch over the board's log.
    struct Monitor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that the board's log only ever grows: every new signed head is consistent with the last one seen.",
            discussion: """
                Keeps the heads it has seen in a local file. Exits 1 and prints both heads as evidence when the board
                shows a smaller log, a different root for the same size, or a head no consistency proof connects
                (a rewrite or a split view). --compare takes heads that other observers saw (a JSON array of heads,
                or the state file of their monitor) and checks they belong to the same log.
                """)

        @Argument(help: "The election on the board: http://HOST:PORT/elections/ID.") var election: String
        @Option(help: "The file of heads seen so far (default: monitor-ELECTION.json here).") var state: String?
        @Option(help: "Heads seen by another observer: a JSON array of signed heads or a monitor state file (repeatable).")
        var compare: [String] = []
        @Option(help: "Seconds between checks; 0 checks once.") var interval: Double = 0
        @Option(help: "With --interval: how many checks (0: until stopped).") var checks = 0

        func validate() throws {
            guard ElectionLocation(url: election) != nil else {
                throw ValidationError("give the election as http://HOST:PORT/elections/ID")
            }
            if interval < 0 || checks < 0 { throw ValidationError("--interval and --checks cannot be negative") }
        }

        func run() async throws {
            let loc = ElectionLocation(url: election)!
            let path = state ?? "monitor-\(loc.electionId).json"
            let client = BoardClient(board: loc.board)
            var saved: MonitorState?
            if FileManager.default.fileExists(atPath: path) {
                let state = try Files.read(MonitorState.self, path, what: "monitor state")
                guard state.election == loc.electionId else {
                    throw StepFailure("\(path) watches election \(state.election), not \(loc.electionId)")
                }
                saved = state
            }
            var done = 0
            while true {
                do {
                    // The manifest's exact bytes may never change: each check fetches them again.
                    let manifestBytes = try await client.manifest(loc.electionId)
                    let manifestHash = ProtocolHashes.manifestHash(manifestBytes)
                    let pinned = try saved ?? Self.firstState(loc.electionId, manifestBytes: manifestBytes)
                    guard manifestHash == pinned.manifestHash else {
                        throw MonitorAlarm.manifestChanged(was: pinned.manifestHash, now: manifestHash)
                    }
                    var monitor = HeadMonitor(state: pinned) { m, n in
                        try await client.consistencyProof(loc.electionId, from: m, to: n)
                    }
                    let before = monitor.state.heads.last
                    let head = try await client.treeHead(loc.electionId)
                    try await monitor.observe(head)
                    for file in compare {
                        for other in try Self.heads(in: file) { try await monitor.compare(other) }
                    }
                    saved = monitor.state
                    try Files.write(monitor.state, to: path)
                    let grown = before.map { head.size - $0.size } ?? head.size
                    print(
                        "OK \(ISO8601DateFormatter().string(from: Date())): \(loc.electionId) has \(head.size) entries (+\(grown)), root \(head.root.prefix(16))…, consistent with all \(monitor.state.heads.count) heads seen\(compare.isEmpty ? "" : " and the compared ones")."
                    )
                } catch let alarm as MonitorAlarm {
                    Terminal.error("ALARM: \(alarm)")
                    Terminal.error("Evidence (signed heads; anyone can check them with the board key in the manifest):")
                    Terminal.error(Self.evidence(alarm))
                    throw ExitCode(1)
                }
                done += 1
                if interval == 0 || (checks > 0 && done >= checks) { break }
                try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
            }
        }

        /// A new monitor's state: the manifest as first seen, and its board key.
        static func firstState(_ election: String, manifestBytes: [UInt8]) throws -> MonitorState {
            let manifest: Manifest
            do { manifest = try RecordCoding.decode(Manifest.self, from: manifestBytes) } catch {
                throw StepFailure("the board's manifest does not decode: \(error)")
            }
            return MonitorState(election: election, manifestHash: ProtocolHashes.manifestHash(manifestBytes), boardKey: manifest.boardKey)
        }

        /// Heads in a file: a JSON array of heads, or a monitor state file.
        static func heads(in path: String) throws -> [SignedTreeHead] {
            guard let data = FileManager.default.contents(atPath: path) else { throw StepFailure("cannot read \(path)") }
            if let list = try? RecordCoding.decode([SignedTreeHead].self, from: Array(data)) { return list }
            if let state = try? RecordCoding.decode(MonitorState.self, from: Array(data)) { return state.heads }
            throw StepFailure("\(path) holds neither a JSON array of signed heads nor a monitor state file")
        }

        static func evidence(_ alarm: MonitorAlarm) -> String {
            let heads: [SignedTreeHead]
            switch alarm {
            case .badSignature(let h): heads = [h]
            case .logShrank(let a, let b), .forkedRoots(let a, let b), .inconsistent(let a, let b, _), .timeWentBack(let a, let b):
                heads = [a, b]
            case .manifestChanged: heads = []
            }
            return String(decoding: (try? RecordCoding.encode(heads, pretty: true)) ?? [], as: UTF8.self)
        }
    }

    /// `plebiscite export URL --out DIR`: the board's record in the on-disk layout.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download an election's whole record from a board into a directory (manifest.json, log.jsonl, treeheads.jsonl).")
        @Argument(help: "The election on the board: http://HOST:PORT/elections/ID.") var election: String
        @Option(help: "The directory to write (must not hold a record yet).") var out: String

        func validate() throws {
            guard ElectionLocation(url: election) != nil else {
                throw ValidationError("give the election as http://HOST:PORT/elections/ID")
            }
        }

        func run() async throws {
            let record = try await loadRecord(election, exportTo: out)
            print(
                "Wrote \(record.entries.count) entries and \(record.treeHeads.count) signed heads to \(out). Check it: plebiscite verify \(out)"
            )
        }
    }
}
