import ArgumentParser
import Dispatch
import ElectionProtocol
import ElectionRecord
import ElectionVerifier
import Foundation
import PlebisciteCrypto
import Ristretto

/// How many libsodium primitive operations a protocol step needs: the basis of its lower bound.
struct OperationCount: Codable {
    var fixedBase: Int
    var variableBase: Int
    var additions: Int

    func seconds(_ p: PrimitiveTimes) -> Double {
        Double(fixedBase) * p.fixedBase + Double(variableBase) * p.variableBase + Double(additions) * p.addition
    }

    /// Encrypting one question with `options` options and a selection range of `width` values
    /// (PROTOCOL.md 8): per option 5F + 3V + 3A (ciphertext, two 0/1 branches), per count-proof
    /// branch 2F + V + A, 2(options - 1) additions for the sum, and F for the signature.
    static func encryption(options o: Int, width w: Int) -> OperationCount {
        OperationCount(fixedBase: 5 * o + 2 * w + 1, variableBase: 3 * o + w, additions: 3 * o + w + 2 * (o - 1))
    }

    /// Verifying the same ballot: per option 2F + 6V + 6A, per count-proof branch F + 3V + 3A,
    /// 2(options - 1) additions for the sum, and F + V + A for the signature.
    static func verification(options o: Int, width w: Int) -> OperationCount {
        OperationCount(fixedBase: 2 * o + w + 1, variableBase: 6 * o + 3 * w + 1, additions: 6 * o + 3 * w + 2 * (o - 1) + 1)
    }
}

/// Seconds per libsodium primitive, measured in this run.
struct PrimitiveTimes: Codable {
    var fixedBase: Double
    var variableBase: Double
    var addition: Double
    var decoding: Double
}

/// Best-of-rounds timing of a closure, in seconds per call.
func secondsPerCall(iterations: Int, rounds: Int = 5, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { try body() }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(iterations))
    }
    return best
}

extension PlebisciteCommand {
    /// `plebiscite bench`: benchmarks; `ballots` (the default) and `forensics`.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Benchmarks: ballots and records against libsodium (default), the board over HTTP, or the forensics analysis.",
            discussion: "Build with `swift build -c release` first: debug builds are many times slower.",
            subcommands: [
                BallotBench.self, BoardBench.self, ReadLoadBench.self, ForensicsBench.self, BoothBench.self, ArithmeticBench.self,
                DifferentialBench.self,
            ],
            defaultSubcommand: BallotBench.self)
    }

    /// `plebiscite bench ballots`: ballot and record figures as ratios to libsodium measured in the same run.
    struct BallotBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ballots",
            abstract: "Ballots and whole-record verification against libsodium's own primitives.")

        @Flag(help: "Print the figures as JSON.") var json = false
        @Option(help: "Ballots per timing round for encryption and verification.") var iterations = 200
        @Option(help: "Voters in the demo record verified for whole-record throughput (0 to skip).") var voters = 3000
        @OptionGroup var workers: WorkerOptions

        struct Figure: Codable {
            var microseconds: Double
            var boundMicroseconds: Double
            var ratioToBound: Double
            var operations: OperationCount
        }

        struct RecordFigure: Codable {
            var voters: Int
            var ballots: Int
            var oneCoreBallotsPerSecond: Double
            var allCoresBallotsPerSecond: Double
            var workers: Int
            var speedup: Double
            var oneCoreMicrosecondsPerBallot: Double
        }

        struct Report: Codable {
            var libsodium: String
            var primitivesMicroseconds: PrimitiveTimes
            var encryptYesNoBallot: Figure
            var verifyYesNoBallot: Figure
            /// Verified in a batch of `RecordVerifier.ballotsPerBatch` distinct ballots (PROTOCOL.md 8.4), per ballot.
            var verifyYesNoBallotInBatch: Figure
            var decodeAndVerifyYesNoBallotMicroseconds: Double
            /// From the ballot's JSON bytes to the verdict, against the bound plus one libsodium validation
            /// per element the JSON holds (a verifier on libsodium's API must validate each once too).
            var decodeAndVerifyYesNoBallot: Figure
            var elementsPerYesNoBallot: Int
            var tallyMicrosecondsPerBallot: Double
            /// The same from the selections' points as verification decoded them (the verifier's recount).
            var tallyFromVerifiedPointsMicrosecondsPerBallot: Double
            /// A tally ciphertext's count from 3 decryption shares (Lagrange at 0, then the bounded
            /// discrete log of a cell of `combineBound` ballots): own arithmetic, and through libsodium's API.
            var combineMicrosecondsPerCiphertext: Double
            var combineLibsodiumMicrosecondsPerCiphertext: Double
            var combineBound: Int
            var record: RecordFigure?
        }

        func validate() throws {
            if iterations < 1 { throw ValidationError("--iterations must be at least 1") }
            if voters < 0 { throw ValidationError("--voters cannot be negative") }
        }

        func run() throws {
            BenchOutput.warnIfDebug("run `swift build -c release` and .build/release/plebiscite bench for real figures")
            let n = iterations
            let us = 1e6
            let p = PrimitiveTimes(
                fixedBase: LibsodiumPrimitives.secondsPerOperation(.fixedBaseMultiplication, iterations: n * 10),
                variableBase: LibsodiumPrimitives.secondsPerOperation(.variableBaseMultiplication, iterations: n * 10),
                addition: LibsodiumPrimitives.secondsPerOperation(.addition, iterations: n * 10),
                decoding: LibsodiumPrimitives.secondsPerOperation(.decoding, iterations: n * 10))

            // A yes/no question, exactly one selection, remote channel (no device signature).
            let (context, registry) = Self.benchContext()
            let credential = VoterCredential.generate(electionId: context.manifest.electionId)
            var reg = registry
            reg.add(CredentialList(precinct: "p1", credentials: [credential.publicKey], signature: []))
            let encryptor = BallotEncryptor(context: context)
            func encryptOne() throws -> EncryptedBallot {
                try encryptor.encrypt(precinct: "p1", channel: .remote, credential: credential, choices: ["q": [0]]).ballot
            }
            let encryptSeconds = try secondsPerCall(iterations: n) { _ = try encryptOne() }
            let ballot = try encryptOne()
            let registryForCheck = reg
            var failures = 0
            let verifySeconds = secondsPerCall(iterations: n) {
                failures += ballot.check(in: context, credentials: registryForCheck).count
            }
            // As the verifier checks a run of ballots: their equations in one batch.
            let run = try (0..<RecordVerifier.ballotsPerBatch).map { _ in try encryptOne() }
            let batchSeconds =
                secondsPerCall(iterations: max(1, n / run.count), rounds: 5) {
                    var batch = ProofBatch()
                    for b in run {
                        failures += b.check(in: context, credentials: registryForCheck, hash: nil, equationsInto: &batch).failures.count
                    }
                    if !batch.holds() { failures += 1 }
                } / Double(run.count)
            guard failures == 0 else { throw ValidationError("benchmark ballot failed verification") }
            let line = try RecordCoding.encode(ballot)
            let decodeVerifySeconds = try secondsPerCall(iterations: n) {
                let b = try RecordCoding.decode(EncryptedBallot.self, from: line)
                failures += b.check(in: context, credentials: registryForCheck).count
            }
            let copies = (0..<(n * 10)).map { i in (seq: i, at: context.manifest.window.opens, ballot: ballot) }
            let tallySeconds =
                secondsPerCall(iterations: 1) {
                    _ = CountingRule.aggregate(manifest: context.manifest, counted: copies, workers: 1)
                } / Double(copies.count)
            let decoded = ballot.answers.map { $0.selections.compactMap { CiphertextPoints($0.ciphertext) } }
            let points = Dictionary(uniqueKeysWithValues: copies.map { ($0.seq, decoded) })
            let tallyFromPointsSeconds =
                secondsPerCall(iterations: 1) {
                    _ = CountingRule.aggregate(manifest: context.manifest, counted: copies, workers: 1, points: points)
                } / Double(copies.count)

            // Combining: a cell of 10,000 ballots with 6,180 for the option, three trustees' shares.
            let combineBound = 10_000
            let polynomial = Polynomial.random(threshold: 3)
            let alpha = Element.base(.random())
            let beta = Element.base(Scalar(UInt64(6_180))) + polynomial.coefficients[0] * alpha
            let trustees: [UInt64] = [1, 2, 3]
            let shares = trustees.map {
                (lambda: ThresholdSharing.lagrangeCoefficient(for: $0, among: trustees), share: polynomial.evaluate(at: $0) * alpha)
            }
            _ = DiscreteLog.solve(beta, minus: shares, bound: combineBound)  // the baby steps, once
            let combineSeconds = secondsPerCall(iterations: n) {
                if DiscreteLog.solve(beta, minus: shares, bound: combineBound) != 6_180 { failures += 1 }
            }
            let combineLibsodiumSeconds = secondsPerCall(iterations: max(1, n / 10)) {
                let target = shares.reduce(beta) { $0 - $1.lambda * $1.share }
                if DiscreteLog.reference(target, bound: combineBound) != 6_180 { failures += 1 }
            }
            guard failures == 0 else { throw ValidationError("benchmark shares did not combine") }

            let encOps = OperationCount.encryption(options: 2, width: 1)
            let verOps = OperationCount.verification(options: 2, width: 1)
            func figure(_ seconds: Double, _ ops: OperationCount) -> Figure {
                Figure(
                    microseconds: seconds * us, boundMicroseconds: ops.seconds(p) * us, ratioToBound: seconds / ops.seconds(p),
                    operations: ops)
            }
            // The elements of the ballot's JSON: each selection's ciphertext and proof commitments,
            // each count proof's commitments, the credential and the signature's commitment.
            let elements =
                ballot.answers.reduce(0) { sum, a in
                    sum + a.countProof.commitments.count + a.selections.reduce(0) { $0 + 2 + $1.proof.commitments.count }
                } + 2
            let decodeBound = verOps.seconds(p) + Double(elements) * p.decoding
            var report = Report(
                libsodium: Sodium.version,
                primitivesMicroseconds: PrimitiveTimes(
                    fixedBase: p.fixedBase * us, variableBase: p.variableBase * us, addition: p.addition * us, decoding: p.decoding * us),
                encryptYesNoBallot: figure(encryptSeconds, encOps), verifyYesNoBallot: figure(verifySeconds, verOps),
                verifyYesNoBallotInBatch: figure(batchSeconds, verOps),
                decodeAndVerifyYesNoBallotMicroseconds: decodeVerifySeconds * us,
                decodeAndVerifyYesNoBallot: Figure(
                    microseconds: decodeVerifySeconds * us, boundMicroseconds: decodeBound * us,
                    ratioToBound: decodeVerifySeconds / decodeBound, operations: verOps),
                elementsPerYesNoBallot: elements, tallyMicrosecondsPerBallot: tallySeconds * us,
                tallyFromVerifiedPointsMicrosecondsPerBallot: tallyFromPointsSeconds * us,
                combineMicrosecondsPerCiphertext: combineSeconds * us,
                combineLibsodiumMicrosecondsPerCiphertext: combineLibsodiumSeconds * us,
                combineBound: combineBound,
                record: nil)

            if voters > 0 {
                let dir = RecordDirectory(
                    URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-bench-\(getpid())"))
                defer { try? FileManager.default.removeItem(at: dir.url) }
                if !json { Terminal.error("building a \(voters)-voter demo record for the whole-record figures...") }
                _ = try DemoScenario(voters: voters, seed: 7, workers: workers.count, showProgress: !json).run(at: dir)
                let record = try LoadedRecord.load(dir)
                let one = RecordVerifier.verify(record, workers: 1)
                let all = RecordVerifier.verify(record, workers: workers.count)
                guard one.ok, all.ok else { throw ValidationError("the benchmark record did not verify") }
                report.record = RecordFigure(
                    voters: voters, ballots: one.statistics.ballots,
                    oneCoreBallotsPerSecond: one.statistics.ballotsPerSecond, allCoresBallotsPerSecond: all.statistics.ballotsPerSecond,
                    workers: workers.count, speedup: all.statistics.ballotsPerSecond / one.statistics.ballotsPerSecond,
                    oneCoreMicrosecondsPerBallot: one.statistics.seconds / Double(max(1, one.statistics.ballots)) * us)
            }
            if json {
                print(String(decoding: try RecordCoding.encode(report, pretty: true), as: UTF8.self))
            } else {
                print(Self.render(report))
            }
        }

        static func render(_ r: Report) -> String {
            let p = r.primitivesMicroseconds
            var s = "libsodium \(r.libsodium) primitives (best of 5 rounds, this run):\n"
            s += String(
                format:
                    "  fixed-base multiplication   %8.2f us\n  variable-base multiplication %7.2f us\n  point addition              %8.2f us\n  point decoding              %8.2f us\n",
                p.fixedBase, p.variableBase, p.addition, p.decoding)
            func row(_ name: String, _ f: Figure) -> String {
                String(
                    format: "  %@ %8.1f us   bound %8.1f us (%dF + %dV + %dA)   ratio %.2fx\n",
                    name.padding(toLength: 28, withPad: " ", startingAt: 0), f.microseconds, f.boundMicroseconds, f.operations.fixedBase,
                    f.operations.variableBase, f.operations.additions, f.ratioToBound)
            }
            s += "Yes/no ballot (2 options, exactly 1 selected, 0/1 proofs, count proof, credential signature):\n"
            s += row("encrypt with proofs", r.encryptYesNoBallot)
            s += row("verify", r.verifyYesNoBallot)
            s += row("verify, in a batch of \(RecordVerifier.ballotsPerBatch)", r.verifyYesNoBallotInBatch)
            s += String(
                format: "  %@ %8.1f us   bound %8.1f us (the same + %d decodings)      ratio %.2fx\n",
                "decode JSON + verify".padding(toLength: 28, withPad: " ", startingAt: 0), r.decodeAndVerifyYesNoBallot.microseconds,
                r.decodeAndVerifyYesNoBallot.boundMicroseconds, r.elementsPerYesNoBallot, r.decodeAndVerifyYesNoBallot.ratioToBound)
            s += String(
                format: "  %@ %8.1f us\n", "tally, per ballot".padding(toLength: 28, withPad: " ", startingAt: 0),
                r.tallyMicrosecondsPerBallot)
            s += String(
                format: "  %@ %8.1f us\n", "tally from verified points".padding(toLength: 28, withPad: " ", startingAt: 0),
                r.tallyFromVerifiedPointsMicrosecondsPerBallot)
            s += String(
                format: "  %@ %8.1f us   libsodium %8.1f us (3 shares, a cell of %d ballots)   ratio %.2fx\n",
                "combine shares, per count".padding(toLength: 28, withPad: " ", startingAt: 0), r.combineMicrosecondsPerCiphertext,
                r.combineLibsodiumMicrosecondsPerCiphertext, r.combineBound,
                r.combineMicrosecondsPerCiphertext / r.combineLibsodiumMicrosecondsPerCiphertext)
            if let rec = r.record {
                s += String(
                    format:
                        "Whole record (%d voters, %d ballots), parsed, verified every check:\n  1 core: %.0f ballots/s (%.0f us/ballot)   %d cores: %.0f ballots/s   speedup %.2fx\n",
                    rec.voters, rec.ballots, rec.oneCoreBallotsPerSecond, rec.oneCoreMicrosecondsPerBallot, rec.workers,
                    rec.allCoresBallotsPerSecond, rec.speedup)
            }
            s += "For scale: ElectionGuard 1.4 (Python, 4096-bit group) took 42 ms to encrypt and 91 ms to verify a ballot on this machine."
            return s
        }

        /// A minimal election context for single-ballot timings.
        static func benchContext() -> (ElectionContext, CredentialRegistry) {
            let q = Question(id: "q", text: "Yes or no?", options: ["yes", "no"], minSelections: 1, maxSelections: 1)
            let key = Ed25519.SigningKey().publicKey
            let manifest = Manifest(
                electionId: "bench", title: "bench", questions: [q],
                regions: [Region(id: "r", name: "r", precincts: [Precinct(id: "p1", name: "p1", questions: ["q"])])],
                channels: [.remote], window: VotingWindow(opens: Date(timeIntervalSince1970: 0), closes: Date(timeIntervalSince1970: 1)),
                trustees: [], threshold: 1, credentialAuthority: key, devices: [], boardKey: key)
            let secret = Scalar.random()
            let context = ElectionContext(
                manifest: manifest, manifestHash: .zero, jointKey: .base(secret), verificationKeys: [.base(secret)],
                contextHash: ProtocolHashes.manifestHash(Array("bench".utf8)))
            return (context, CredentialRegistry())
        }
    }
}

/// What every benchmark prints around its figures.
enum BenchOutput {
    /// Warns on standard error when the figures come from a debug build.
    static func warnIfDebug(_ advice: String = "build with -c release for real figures") {
        #if DEBUG
            Terminal.error("warning: this is a debug build; \(advice)")
        #endif
    }

    /// The figures as pretty JSON (`json`) or as the benchmark's text.
    static func show<Report: Encodable>(_ report: Report, json: Bool, text: (Report) -> String) throws {
        print(json ? String(decoding: try RecordCoding.encode(report, pretty: true), as: UTF8.self) : text(report))
    }
}
