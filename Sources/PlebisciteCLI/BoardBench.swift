import ArgumentParser
import BoardAPI
import BoardClient
import BoardServer
import BoardService
import BoardStorage
import Dispatch
import ElectionProtocol
import ElectionRecord
import Foundation
import Logging
import Ristretto
import Synchronization
import TransparencyLog

extension PlebisciteCommand {
    /// `plebiscite bench board`: cast throughput and latency through a real board on loopback.
    struct BoardBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "board",
            abstract: "Cast ballots through the board's HTTP API on loopback and compare with pure ballot verification.",
            discussion: """
                Sets up a real election on the board (1 trustee, the credential authority, 4 precincts), encrypts the
                ballots beforehand, then casts them from concurrent clients over HTTP: the board verifies every ballot
                in full and acknowledges it only once it is stored; each client checks its receipt. The reference is
                the ballot-verification rate on the same cores in the same run. The casting runs in rounds, each
                between two measurements of the reference, and each round's ratio is to the mean of the two (this
                machine's speed drifts by a quarter within seconds); the ratio printed is the median of the rounds.
                Prints throughput, the ratios, p50/p99 latency, processor time per ballot, and resident memory
                along the run (peak RSS).
                """)

        @Option(help: "Ballots to cast.") var ballots = 5_000
        @Option(help: "Concurrent clients.") var clients = 16
        @Option(help: "Rounds of casting, each between two measurements of the reference.") var rounds = 3
        @Option(help: "SQLite file (default: a temporary one) or postgres://USER[:PASSWORD]@HOST:PORT/DATABASE.") var database: String?
        @Flag(help: "Print the figures as JSON.") var json = false
        @OptionGroup var workers: WorkerOptions

        struct Report: Codable {
            var store: String
            var ballots: Int
            var clients: Int
            var workers: Int
            /// The mean of the verification rates measured around the rounds.
            var verifyBallotsPerSecond: Double
            var verifyBeforeBallotsPerSecond: Double
            var verifyAfterBallotsPerSecond: Double
            /// Ballots over the time spent casting (the rounds, not the measurements between them).
            var castBallotsPerSecond: Double
            /// The median of the rounds' ratios, and their range.
            var ratioToVerification: Double
            var ratioMin: Double
            var ratioMax: Double
            var rounds: [Round]
            var latencyP50Milliseconds: Double
            var latencyP99Milliseconds: Double
            var latencyMaxMilliseconds: Double
            var seconds: Double
            /// Processor time per ballot (all threads, user and system): verification alone, and casting
            /// (client and board together). Their ratio does not drift with the machine's speed as wall-clock rates do.
            var verifyCPUMillisecondsPerBallot: Double
            var castCPUMillisecondsPerBallot: Double
            var ratioByProcessorTime: Double
            /// Resident memory (MiB) after each tenth of the ballots.
            var rssMiB: [Double]
            /// The kernel's high-water mark (VmHWM, which it updates lazily) or the largest sample, whichever is larger.
            var peakRssMiB: Double
        }

        /// One round of casting and the reference measured just before and just after it.
        struct Round: Codable {
            var ballots: Int
            var castBallotsPerSecond: Double
            var verifyBeforeBallotsPerSecond: Double
            var verifyAfterBallotsPerSecond: Double
            /// The round's rate over the mean of the two references.
            var ratioToVerification: Double
        }

        func validate() throws {
            if rounds < 1 || rounds > 20 || ballots < 10 * rounds {
                throw ValidationError("--rounds must be between 1 and 20, with at least 10 ballots a round")
            }
            if ballots < 10 || ballots > 10_000_000 { throw ValidationError("--ballots must be between 10 and 10,000,000") }
            if clients < 1 || clients > 1024 { throw ValidationError("--clients must be between 1 and 1024") }
        }

        func run() async throws {
            BenchOutput.warnIfDebug()
            try BenchOutput.show(try await measure(progress: !json), json: json, text: Self.render)
        }

        /// Runs the benchmark and returns its figures.
        func measure(progress: Bool) async throws -> Report {
            let temp = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-board-bench-\(getpid())")
            try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: temp) }
            let storeName = database ?? temp.appendingPathComponent("board.sqlite").path
            let store: any BoardStore
            do { store = try await openBoardStore(storeName) } catch { throw ValidationError("\(storeName): \(error)") }

            // The election: real keys, a real ceremony, real credentials, a window around now.
            let boardKey = Ed25519.SigningKey()
            let election = try LoadElection(voters: ballots, boardKey: boardKey.publicKey)
            let context = election.context
            let service = BoardService(store: store, boardKey: boardKey)
            func setup() async throws(BoardError) {
                _ = try await service.createElection(manifestBytes: election.manifestBytes)
                for payload in election.setup { _ = try await service.publish(election.id, payload) }
            }
            try await setup()

            // Encrypt beforehand (voters' devices do this, not the board).
            let bar = ProgressBar("encrypting ballots", total: ballots, enabled: progress)
            let encrypted = try election.ballots(workers: workers.count, progress: bar)
            bar.finish()

            // The reference: full ballot verification on the same cores, measured around each round.
            let sample = Array(encrypted.prefix(min(ballots, 1_500)))
            let reg = election.registry
            var verifyCPU = 0.0
            func verificationRate() throws -> Double {
                let cpu = ProcessorTime.now()
                defer { verifyCPU += ProcessorTime.now() - cpu }
                let start = DispatchTime.now().uptimeNanoseconds
                let failures = Parallel.map(sample, workers: workers.count) { (b: EncryptedBallot) -> Int in
                    b.check(in: context, credentials: reg).count
                }.reduce(0, +)
                guard failures == 0 else { throw ValidationError("benchmark ballots failed verification") }
                return Double(sample.count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }

            // The board on loopback, and concurrent clients.
            var config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: Hex.encode(Sodium.randomBytes(16)))
            config.port = 0
            config.rateLimit = nil
            var logger = Logger(label: "plebiscite.board")
            logger.logLevel = .critical
            let board = try await RunningBoard.start(service: service, configuration: config, logger: logger)
            let id = election.id
            let castBar = ProgressBar("casting through the board", total: ballots, enabled: progress)
            let counter = Counter()
            let tenth = max(1, ballots / 10)
            let heads = VerifiedTreeHeads()
            var latencies = [Double]()
            var castSeconds = 0.0
            var castCPU = 0.0
            // Rounds of casting, each between two measurements of the reference, so that each
            // ratio compares rates a few seconds apart.
            var references = [try verificationRate()]
            var roundFigures = [Round]()
            for round in 0..<rounds {
                let end = ballots * (round + 1) / rounds
                let count = end - counter.issued
                let start = DispatchTime.now().uptimeNanoseconds
                let cpuStart = ProcessorTime.now()
                // Each client on its own thread with its own keep-alive connection (see LoadConnection).
                let outcomes = await Self.onThreads(clients) { () throws -> [Double] in
                    let connection = try LoadConnection(host: "127.0.0.1", port: board.port)
                    var mine = [Double]()
                    while let i = counter.next(below: end) {
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        try Self.castChecked(
                            encrypted[i], on: connection, path: "/elections/\(id)/ballots", boardKey: boardKey.publicKey,
                            contextHash: context.contextHash, heads: heads)
                        mine.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                        castBar.advance()
                        if (i + 1) % tenth == 0 { counter.sample(MemoryUse.residentMiB()) }
                    }
                    return mine
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                castCPU += ProcessorTime.now() - cpuStart
                castSeconds += seconds
                for outcome in outcomes {
                    switch outcome {
                    case .success(let l): latencies += l
                    case .failure(let e):
                        await board.stop()
                        throw e
                    }
                }
                references.append(try verificationRate())
                let rate = Double(count) / seconds
                let reference = (references[round] + references[round + 1]) / 2
                roundFigures.append(
                    Round(
                        ballots: count, castBallotsPerSecond: rate, verifyBeforeBallotsPerSecond: references[round],
                        verifyAfterBallotsPerSecond: references[round + 1], ratioToVerification: rate / reference))
            }
            castBar.finish()
            await board.stop()
            latencies.sort()
            func pct(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            let ratios = roundFigures.map(\.ratioToVerification).sorted()
            let median = ratios.count % 2 == 1 ? ratios[ratios.count / 2] : (ratios[ratios.count / 2 - 1] + ratios[ratios.count / 2]) / 2
            let verifyCPUPerBallot = verifyCPU / Double(references.count * sample.count)
            let castCPUPerBallot = castCPU / Double(ballots)
            let report = Report(
                store: database.map { $0.hasPrefix("postgres") ? "PostgreSQL" : "SQLite file" } ?? "SQLite file (temporary)",
                ballots: ballots, clients: clients, workers: workers.count,
                verifyBallotsPerSecond: references.reduce(0, +) / Double(references.count),
                verifyBeforeBallotsPerSecond: references.first!, verifyAfterBallotsPerSecond: references.last!,
                castBallotsPerSecond: Double(ballots) / castSeconds, ratioToVerification: median, ratioMin: ratios.first!,
                ratioMax: ratios.last!, rounds: roundFigures, latencyP50Milliseconds: pct(0.5),
                latencyP99Milliseconds: pct(0.99), latencyMaxMilliseconds: latencies.last ?? 0,
                seconds: castSeconds,
                verifyCPUMillisecondsPerBallot: verifyCPUPerBallot * 1e3, castCPUMillisecondsPerBallot: castCPUPerBallot * 1e3,
                ratioByProcessorTime: verifyCPUPerBallot / castCPUPerBallot, rssMiB: counter.samples,
                peakRssMiB: max(MemoryUse.peakResidentMiB(), counter.samples.max() ?? 0))
            return report
        }

        /// Casts one ballot and checks its receipt as `BoardClient.castChecked` does (`BoardClient.check`):
        /// the head's signature (once per head), the inclusion proof, the line.
        static func castChecked(
            _ ballot: EncryptedBallot, on connection: LoadConnection, path: String, boardKey: Ed25519.PublicKey, contextHash: Digest,
            heads: VerifiedTreeHeads
        ) throws {
            let bytes = try RecordCoding.encode(ballot)
            let hash = ballot.hash(contextHash: contextHash)
            let (status, body) = try connection.post(path, body: bytes)
            guard (200..<300).contains(status) else { throw BoardClient.refusal(status: status, body: body) }
            try BoardClient.check(
                try RecordCoding.decode(BoardReceipt.self, from: body), ballotHash: hash, ballotBytes: bytes, boardKey: boardKey,
                contextHash: contextHash, heads: heads)
        }

        /// Runs `body` on `count` threads of their own (blocking I/O never holds up the tasks'
        /// threads) and returns each one's outcome once all are done.
        static func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable () throws -> T) async -> [Result<T, any Error>] {
            await withCheckedContinuation { done in
                let results = Mutex<[Result<T, any Error>]>([])
                for _ in 0..<count {
                    let thread = Thread {
                        let r = Result { try body() }
                        let all = results.withLock { list -> [Result<T, any Error>]? in
                            list.append(r)
                            return list.count == count ? list : nil
                        }
                        if let all { done.resume(returning: all) }
                    }
                    thread.stackSize = 1 << 20
                    thread.start()
                }
            }
        }

        static func render(_ r: Report) -> String {
            var s = "Board on loopback (\(r.store)), \(r.ballots) ballots from \(r.clients) concurrent clients, \(r.workers) cores:\n"
            s += String(
                format:
                    "  ballot verification alone   %8.0f ballots/s (the reference, same cores, this run: %.0f first, %.0f last)\n",
                r.verifyBallotsPerSecond, r.verifyBeforeBallotsPerSecond, r.verifyAfterBallotsPerSecond)
            s += String(
                format: "  cast over HTTP, stored      %8.0f ballots/s   ratio %.2f of verification (median of %d rounds)   (%.1f s)\n",
                r.castBallotsPerSecond, r.ratioToVerification, r.rounds.count, r.seconds)
            s +=
                "  rounds                      "
                + r.rounds.map {
                    String(
                        format: "%.0f/s vs %.0f-%.0f: %.2f", $0.castBallotsPerSecond, $0.verifyBeforeBallotsPerSecond,
                        $0.verifyAfterBallotsPerSecond, $0.ratioToVerification)
                }
                .joined(separator: ";  ") + "\n"
            s += String(
                format: "  latency                     p50 %.1f ms   p99 %.1f ms   max %.1f ms\n", r.latencyP50Milliseconds,
                r.latencyP99Milliseconds, r.latencyMaxMilliseconds)
            s += String(
                format: "  processor time per ballot   verification %.2f ms, casting %.2f ms (client and board)   ratio %.2f\n",
                r.verifyCPUMillisecondsPerBallot, r.castCPUMillisecondsPerBallot, r.ratioByProcessorTime)
            s += "  resident memory by tenths   " + r.rssMiB.map { String(format: "%.0f", $0) }.joined(separator: " ") + " MiB"
            s += String(format: "   peak %.0f MiB", r.peakRssMiB)
            return s
        }
    }
}

/// Hands out indices to concurrent workers, and keeps memory samples.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    private(set) var samples: [Double] = []

    /// How many indices were handed out.
    var issued: Int { lock.withLock { value } }

    func next(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }

    func sample(_ x: Double) {
        lock.lock()
        defer { lock.unlock() }
        samples.append(x)
    }
}

/// The process's resident memory, from /proc/self/status (Linux).
/// Processor time this process used (user and system, all threads), in seconds.
enum ProcessorTime {
    static func now() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

enum MemoryUse {
    static func field(_ name: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
            let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kb / 1024
    }
    static func residentMiB() -> Double { field("VmRSS") }
    static func peakResidentMiB() -> Double { field("VmHWM") }
}
