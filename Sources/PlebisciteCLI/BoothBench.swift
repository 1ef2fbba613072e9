import ArgumentParser
import BoardServer
import BoardService
import BoardStorage
import BrowserDriver
import CompressNIO
import ElectionProtocol
import ElectionRecord
import Foundation
import Logging
import NIOCore
import Ristretto

extension PlebisciteCommand {
    /// `plebiscite bench booth`: the booth's ballot encryption in headless Chromium against the same work natively.
    struct BoothBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "booth",
            abstract:
                "Encrypt yes/no ballots in the booth's page (headless Chromium, WebAssembly libsodium) and natively; report the ratio.",
            discussion: """
                Serves the booth from a board on loopback, opens its voting page in headless Chromium (chromedriver) and
                runs the page's own encryption (every 0/1 proof, the count proof, the credential's signature) on one
                credential and joint key; the same ballots are then encrypted by the Swift code in this process, on one
                core. Both take the best of 5 rounds. The page's last ballot must pass the verifier's ballot checks.
                Also reports the booth's files, raw and gzip-compressed (target: under 400 KB compressed; ratio target: at most 4).
                """)

        @Option(help: "The booth's files (scripts/build-booth-wasm builds them).") var booth = ".build/booth/site"
        @Option(help: "Ballots per round.") var ballots = 20
        @Flag(help: "Print JSON instead of text.") var json = false

        func validate() throws {
            if ballots < 1 || ballots > 10_000 { throw ValidationError("--ballots must be 1 to 10,000") }
        }

        struct Report: Codable {
            var ballots: Int
            var browserMilliseconds: Double
            var nativeMilliseconds: Double
            var ratio: Double
            var assetsBytes: Int
            var assetsGzipBytes: Int
            var files: [String: Int]
        }

        func run() async throws {
            BenchOutput.warnIfDebug("the native side is slow: run .build/release/plebiscite bench booth")
            let report = try await measure()
            if json {
                print(String(decoding: try RecordCoding.encode(report, pretty: true), as: UTF8.self))
            } else {
                print(
                    String(
                        format:
                            "Yes/no ballot (2 options, 0/1 proofs, count proof, credential signature), best of 5 rounds of %d:\n  in the booth (headless Chromium, WebAssembly libsodium): %.2f ms\n  natively (Swift, libsodium, 1 core):                      %.2f ms\n  ratio: %.2fx (target: at most 4x)\nBooth files: %d bytes, %d bytes gzip-compressed (target: under 400 KB)",
                        ballots, report.browserMilliseconds, report.nativeMilliseconds, report.ratio, report.assetsBytes,
                        report.assetsGzipBytes))
            }
        }

        /// Runs both sides and checks the page's ballot.
        func measure() async throws -> Report {
            let assets: BoothAssets
            do { assets = try BoothAssets(directory: booth) } catch { throw StepFailure("--booth \(booth): \(error)") }
            var gzipped = [String: Int]()
            for (name, asset) in assets.assets {
                var buffer = ByteBuffer(bytes: asset.bytes)
                gzipped[name] = try buffer.compress(with: .gzip()).readableBytes
            }
            let (context, _) = BallotBench.benchContext()
            let credential = VoterCredential.generate(electionId: context.manifest.electionId)

            // The page: a board on loopback serving the booth (no election: the page script needs only the files).
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("plebiscite-bench-booth-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            let service = BoardService(
                store: try SQLiteBoardStore(path: work.appendingPathComponent("b.sqlite").path), boardKey: Ed25519.SigningKey())
            var config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "bench")
            config.port = 0
            config.booth = assets
            var logger = Logger(label: "plebiscite.board")
            logger.logLevel = .critical
            let board = try await RunningBoard.start(service: service, configuration: config, logger: logger)
            let page: [String: Any]
            do {
                let browser: WebDriver
                do { browser = try await WebDriver() } catch {
                    throw StepFailure("bench booth needs Debian's chromium and chromium-driver: \(error)")
                }
                defer { Task { await browser.close() } }
                // The voting page, under its Content-Security-Policy (the page itself finds no election: it only hosts the run).
                try await browser.open("\(board.url)/elections/bench/vote")
                let script = Self.script(
                    contextHash: context.contextHash.hex, jointKey: context.jointKey.hex,
                    secret: Hex.encode(credential.secret.rawRepresentation),
                    publicKey: credential.publicKey.hex, ballots: ballots)
                guard let answer = try await browser.asyncScript(script, timeout: 600) as? [String: Any] else {
                    throw StepFailure("the page gave no timing")
                }
                page = answer
            } catch {
                await board.stop()
                throw error
            }
            await board.stop()
            if let e = page["error"] as? String { throw StepFailure("the page failed: \(e)") }
            guard let ms = page["ms"] as? Double, let ballotJSON = page["ballot"] as? String else {
                throw StepFailure("the page gave no timing")
            }

            // The page's ballot must be a valid ballot of this context.
            var registry = CredentialRegistry()
            _ = registry.add([credential.publicKey], to: "p1")
            let fromPage = try RecordCoding.decodeStrict(EncryptedBallot.self, from: Array(ballotJSON.utf8))
            let failures = fromPage.check(in: context, credentials: registry)
            guard failures.isEmpty else { throw StepFailure("the page's ballot fails its checks: \(failures)") }

            let encryptor = BallotEncryptor(context: context)
            let native = try secondsPerCall(iterations: ballots) {
                _ = try encryptor.encrypt(precinct: "p1", channel: .remote, credential: credential, choices: ["q": [0]])
            }
            return Report(
                ballots: ballots, browserMilliseconds: ms, nativeMilliseconds: native * 1000, ratio: ms / (native * 1000),
                assetsBytes: assets.assets.values.reduce(0) { $0 + $1.bytes.count }, assetsGzipBytes: gzipped.values.reduce(0, +),
                files: gzipped)
        }

        /// The script the page runs: the booth's own modules, imported from the board; the best of 5 rounds.
        static func script(contextHash: String, jointKey: String, secret: String, publicKey: String, ballots: Int) -> String {
            """
            const done = arguments[arguments.length - 1];
            (async () => {
              const { loadSodium, hex } = await import("/booth/sodium.js");
              const { encryptBallot, ballotJSON } = await import("/booth/ballot.js");
              const na = await loadSodium(await (await fetch("/booth/sodium.wasm")).arrayBuffer(), globalThis.crypto);
              const election = { electionId: "bench", contextHash: hex.decode("\(contextHash)"), jointKey: hex.decode("\(jointKey)"),
                precinct: "p1", questions: [{ id: "q", options: 2, minSelections: 1, maxSelections: 1 }] };
              const credential = { secret: hex.decode("\(secret)"), publicKey: hex.decode("\(publicKey)") };
              for (let i = 0; i < 3; i++) encryptBallot(na, election, credential, { q: [0] });
              let best = Infinity, last = null;
              for (let round = 0; round < 5; round++) {
                const start = performance.now();
                for (let i = 0; i < \(ballots); i++) last = encryptBallot(na, election, credential, { q: [0] });
                best = Math.min(best, (performance.now() - start) / \(ballots));
              }
              done({ ms: best, ballot: ballotJSON(last.ballot, hex.encode) });
            })().catch((e) => done({ error: String(e && e.stack || e) }));
            """
        }
    }
}
