import ArgumentParser
import BoardClient
import BoardServer
import BoardService
import BoardStorage
import Dispatch
import ElectionRecord
import Foundation
import Logging
import Ristretto
import Synchronization
import TransparencyLog

extension PlebisciteCommand {
    /// `plebiscite bench reads`: what anonymous readers downloading record.zip do to voters' casts.
    struct ReadLoadBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reads",
            abstract: "Cast latency on a board while anonymous readers download a large record's zip, against the same board idle.",
            discussion: """
                Fills one election with --record-voters ballots (through the board's acceptance rules), then casts
                --casts ballots into another election on the same board from --casters clients over HTTP: first
                with the board idle, then while --readers clients download record.zip of the large election
                over and over. Prints the cast latencies of both phases and their ratio, the downloads completed
                and refused busy, the zip's size, and the process's resident memory (board and clients; the
                readers count the bytes and keep none).
                """)

        @Option(help: "Ballots in the election the readers download.") var recordVoters = 20_000
        @Option(help: "Concurrent readers of record.zip.") var readers = 50
        @Option(help: "Ballots cast in each phase (idle, under read load).") var casts = 400
        @Option(help: "Concurrent casting clients.") var casters = 2
        @Option(help: "MiB per second the downloads share, as `serve --archive-mib-per-second` (0: no bound).")
        var archiveMibPerSecond = 32
        @Flag(help: "Print the figures as JSON.") var json = false
        @OptionGroup var workers: WorkerOptions

        struct Report: Codable {
            var recordVoters: Int
            var recordEntries: Int
            var zipMiB: Double
            var readers: Int
            /// The bound the downloads share (0: none).
            var archiveMiBPerSecondBound: Int
            var casts: Int
            var idleP50Milliseconds: Double
            var idleP95Milliseconds: Double
            var loadedP50Milliseconds: Double
            var loadedP95Milliseconds: Double
            /// Loaded p95 over idle p95: the goal is at most 2.
            var p95Ratio: Double
            var downloads: Int
            var busyAnswers: Int
            var downloadMiBPerSecond: Double
            var rssIdleMiB: Double
            var rssLoadedMiB: Double
            var peakRssMiB: Double
        }

        func validate() throws {
            if recordVoters < 1 || recordVoters > 10_000_000 { throw ValidationError("--record-voters must be between 1 and 10,000,000") }
            if readers < 0 || readers > 1000 { throw ValidationError("--readers must be between 0 and 1,000") }
            if casts < 10 || casts > 1_000_000 { throw ValidationError("--casts must be between 10 and 1,000,000") }
            if casters < 1 || casters > 64 { throw ValidationError("--casters must be between 1 and 64") }
        }

        func run() async throws {
            BenchOutput.warnIfDebug()
            try BenchOutput.show(try await measure(progress: !json), json: json, text: Self.render)
        }

        func measure(progress: Bool) async throws -> Report {
            let temp = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-read-bench-\(getpid())")
            try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: temp) }
            let boardKey = Ed25519.SigningKey()
            let service = BoardService(
                store: try SQLiteBoardStore(path: temp.appendingPathComponent("board.sqlite").path), boardKey: boardKey)
            let large = try LoadElection(voters: recordVoters, boardKey: boardKey.publicKey)
            let small = try LoadElection(voters: 2 * casts, boardKey: boardKey.publicKey)
            for e in [large, small] {
                _ = try await service.createElection(manifestBytes: e.manifestBytes)
                for payload in e.setup { _ = try await service.publish(e.id, payload) }
            }

            // The large record, cast through the service (every ballot decided by the rules).
            let sealing = ProgressBar("encrypting the large record", total: recordVoters + 2 * casts, enabled: progress)
            let largeBallots = try large.ballots(workers: workers.count, progress: sealing)
            let smallBallots = try small.ballots(workers: workers.count, progress: sealing)
            sealing.finish()
            let filling = ProgressBar("filling the large record", total: recordVoters, enabled: progress)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, ballot) in largeBallots.enumerated() {
                    if i >= 64 { try await group.next() }
                    group.addTask {
                        _ = try await service.cast(large.id, ballot)
                        filling.advance()
                    }
                }
                try await group.waitForAll()
            }
            filling.finish()

            var config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: Hex.encode(Sodium.randomBytes(16)))
            config.port = 0
            config.rateLimit = nil
            config.archiveBytesPerSecond = archiveMibPerSecond > 0 ? archiveMibPerSecond << 20 : nil
            var logger = Logger(label: "plebiscite.board")
            logger.logLevel = .critical
            let board = try await RunningBoard.start(service: service, configuration: config, logger: logger)
            defer { Task { await board.stop() } }

            let counter = Counter()
            let heads = VerifiedTreeHeads()
            /// Casts `casts` ballots of the small election from the casters; their latencies in ms, sorted.
            func castPhase(_ label: String) async throws -> [Double] {
                let end = counter.issued + casts
                let bar = ProgressBar(label, total: casts, enabled: progress)
                defer { bar.finish() }
                var latencies = [Double]()
                for outcome in await BoardBench.onThreads(
                    casters,
                    { () throws -> [Double] in
                        let connection = try LoadConnection(host: "127.0.0.1", port: board.port)
                        var mine = [Double]()
                        while let i = counter.next(below: end) {
                            let t0 = DispatchTime.now().uptimeNanoseconds
                            try BoardBench.castChecked(
                                smallBallots[i], on: connection, path: "/elections/\(small.id)/ballots", boardKey: boardKey.publicKey,
                                contextHash: small.context.contextHash, heads: heads)
                            mine.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                            bar.advance()
                        }
                        return mine
                    })
                {
                    latencies += try outcome.get()
                }
                return latencies.sorted()
            }

            let idle = try await castPhase("casting, board idle")
            let rssIdle = MemoryUse.residentMiB()

            // The readers: each downloads record.zip again and again until the casting is done.
            let stop = Atomic<Bool>(false)
            let downloads = Atomic<Int>(0)
            let busy = Atomic<Int>(0)
            let bytes = Atomic<Int>(0)
            let zipBytes = Atomic<Int>(0)
            let path = "/elections/\(large.id)/record.zip"
            let readStart = DispatchTime.now().uptimeNanoseconds
            let readerThreads = Task {
                await BoardBench.onThreads(readers) { () throws in
                    // Remote readers would not share the board's processors: these yield them to it (nice 19).
                    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
                    var connection = try LoadConnection(host: "127.0.0.1", port: board.port)
                    while !stop.load(ordering: .relaxed) {
                        let answer: (status: Int, length: Int)
                        do { answer = try connection.getDiscarding(path) } catch {
                            // The board may close a connection (idle timeout); open another.
                            connection = try LoadConnection(host: "127.0.0.1", port: board.port)
                            continue
                        }
                        if answer.status == 200 {
                            downloads.add(1, ordering: .relaxed)
                            bytes.add(answer.length, ordering: .relaxed)
                            zipBytes.store(answer.length, ordering: .relaxed)
                        } else if answer.status == 503 {
                            busy.add(1, ordering: .relaxed)
                        } else {
                            throw LoadConnectionError.badResponse("record.zip answered \(answer.status)")
                        }
                    }
                }
            }
            // Casting starts once the first zip is out, so that every cast meets the readers.
            while downloads.load(ordering: .relaxed) == 0 && readers > 0 {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            let loaded = try await castPhase("casting, \(readers) readers of record.zip")
            let rssLoaded = MemoryUse.residentMiB()
            stop.store(true, ordering: .relaxed)
            for outcome in await readerThreads.value { try outcome.get() }
            let readSeconds = Double(DispatchTime.now().uptimeNanoseconds - readStart) / 1e9

            func pct(_ l: [Double], _ p: Double) -> Double { l[min(l.count - 1, Int(Double(l.count) * p))] }
            return Report(
                recordVoters: recordVoters, recordEntries: large.setup.count + recordVoters,
                zipMiB: Double(zipBytes.load(ordering: .relaxed)) / 1_048_576, readers: readers,
                archiveMiBPerSecondBound: archiveMibPerSecond, casts: casts,
                idleP50Milliseconds: pct(idle, 0.5), idleP95Milliseconds: pct(idle, 0.95), loadedP50Milliseconds: pct(loaded, 0.5),
                loadedP95Milliseconds: pct(loaded, 0.95), p95Ratio: pct(loaded, 0.95) / pct(idle, 0.95),
                downloads: downloads.load(ordering: .relaxed), busyAnswers: busy.load(ordering: .relaxed),
                downloadMiBPerSecond: Double(bytes.load(ordering: .relaxed)) / 1_048_576 / readSeconds, rssIdleMiB: rssIdle,
                rssLoadedMiB: rssLoaded, peakRssMiB: MemoryUse.peakResidentMiB())
        }

        static func render(_ r: Report) -> String {
            var s = "Board on loopback (SQLite), casts into one election while \(r.readers) readers download another's record.zip:\n"
            s += String(
                format: "  the record read             %d entries, zip %.1f MiB\n", r.recordEntries, r.zipMiB)
            s += String(
                format: "  cast, board idle            p50 %.1f ms   p95 %.1f ms   (%d ballots)\n", r.idleP50Milliseconds,
                r.idleP95Milliseconds, r.casts)
            s += String(
                format: "  cast, under read load       p50 %.1f ms   p95 %.1f ms   p95 ratio %.2f (goal: at most 2)\n",
                r.loadedP50Milliseconds, r.loadedP95Milliseconds, r.p95Ratio)
            s += String(
                format: "  downloads                   %d complete (%.0f MiB/s; bound %@), %d answered busy\n", r.downloads,
                r.downloadMiBPerSecond, r.archiveMiBPerSecondBound > 0 ? "\(r.archiveMiBPerSecondBound) MiB/s" : "none", r.busyAnswers)
            s += String(
                format: "  resident memory             %.0f MiB idle, %.0f MiB under load, peak %.0f MiB (board and clients)", r.rssIdleMiB,
                r.rssLoadedMiB, r.peakRssMiB)
            return s
        }
    }
}
