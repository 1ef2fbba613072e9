import ArgumentParser
import Foundation
import Ristretto
import RistrettoArithmetic

extension PlebisciteCommand {
    /// `plebiscite bench arithmetic`: the project's own ristretto255 arithmetic against libsodium's, same run.
    struct ArithmeticBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "arithmetic",
            abstract: "The project's own ristretto255 arithmetic (public data) against libsodium's API, as ratios in one run.")

        @Option(help: "Operations per timing round.") var iterations = 2000
        @Option(help: "Terms of the multi-scalar multiplication compared with as many libsodium multiplications and additions.")
        var terms = 16
        @Option(help: "Terms of the large multi-scalar multiplication (Pippenger), as in batch verification.") var batchTerms = 4096
        @Flag(help: "Print the figures as JSON.") var json = false

        struct Figure: Codable {
            var operation: String
            var ownMicroseconds: Double
            var libsodiumMicroseconds: Double
            var ratio: Double
        }

        func validate() throws {
            if iterations < 1 { throw ValidationError("--iterations must be at least 1") }
            if terms < 1 { throw ValidationError("--terms must be at least 1") }
            if batchTerms < 16 { throw ValidationError("--batch-terms must be at least 16") }
        }

        func run() throws {
            BenchOutput.warnIfDebug("run `swift build -c release` and .build/release/plebiscite bench arithmetic for real figures")
            let figures = try Self.measure(iterations: iterations, terms: terms, batchTerms: batchTerms)
            if json {
                print(String(decoding: try JSONEncoder().encode(figures), as: UTF8.self))
                return
            }
            print("Own ristretto255 arithmetic against libsodium (microseconds per operation, best of 5 rounds, this run):")
            for f in figures {
                print(
                    "  \(f.operation.padding(toLength: 70, withPad: " ", startingAt: 0)) own \(String(format: "%9.2f", f.ownMicroseconds))  libsodium \(String(format: "%9.2f", f.libsodiumMicroseconds))  ratio \(String(format: "%.2f", f.ratio))x"
                )
            }
        }

        /// Each operation timed both ways on the same inputs.
        static func measure(iterations n: Int, terms: Int, batchTerms: Int = 4096) throws -> [Figure] {
            let a = Element.random(), b = Element.random(), s = Scalar.random()
            let pa = try EdwardsPoint(ristretto: a.rawRepresentation), pb = try EdwardsPoint(ristretto: b.rawRepresentation)
            let bytes = a.rawRepresentation
            func figure(_ name: String, _ count: Int, own: () throws -> Void, sodium: () throws -> Void) rethrows -> Figure {
                let o = try secondsPerCall(iterations: count, own) * 1e6, l = try secondsPerCall(iterations: count, sodium) * 1e6
                return Figure(operation: name, ownMicroseconds: o, libsodiumMicroseconds: l, ratio: o / l)
            }
            let elements = (0..<terms).map { _ in Element.random() }, scalars = (0..<terms).map { _ in Scalar.random() }
            let points = try elements.map { try EdwardsPoint(ristretto: $0.rawRepresentation) }
            let raw = scalars.map(\.rawRepresentation)
            let batch = (0..<batchTerms).map { _ in Scalar.random().rawRepresentation }
            let batchPoints = (0..<batchTerms).map { points[$0 % points.count] }
            let pippenger = secondsPerCall(iterations: 1, rounds: 3) { _ = EdwardsPoint.pippenger(batch, batchPoints) } * 1e6
            let ownDecode = try secondsPerCall(iterations: n) { _ = try EdwardsPoint(ristretto: bytes) } * 1e6
            let variable = secondsPerCall(iterations: max(1, n / 10)) { _ = s * a } * 1e6
            let fixed = secondsPerCall(iterations: max(1, n / 10)) { _ = Element.base(s) } * 1e6
            let addition = secondsPerCall(iterations: n) { _ = a + b } * 1e6
            // A yes/no ballot of protocol version 2 in a batch across ballots (an estimate: the
            // verifier batches per ballot, PROTOCOL.md 8.4): 16 points to decode (4 ciphertext
            // components, the credential, 11 commitments), each one term of a large multi-scalar
            // multiplication; against libsodium's API bound (6F + 16V + 18A, PROTOCOL.md 8).
            let perTerm = pippenger / Double(batchTerms)
            let batchBallot = 16 * (ownDecode + perTerm), bound = 6 * fixed + 16 * variable + 18 * addition
            return try [
                figure("decode", n, own: { _ = try EdwardsPoint(ristretto: bytes) }, sodium: { _ = try Element(rawRepresentation: bytes) }),
                // libsodium keeps elements encoded, so no call of its own encodes; its decoding
                // (one inverse square root, as an encoding) is the comparison.
                figure(
                    "encode (libsodium: decode, the same one square root)", n, own: { _ = pa.ristrettoBytes },
                    sodium: { _ = try Element(rawRepresentation: bytes) }),
                figure("add (own: extended coordinates; libsodium: encoded)", n, own: { _ = pa + pb }, sodium: { _ = a + b }),
                figure(
                    "variable-base multiplication (own: double-and-add)", max(1, n / 20), own: { _ = pa.times(s.rawRepresentation) },
                    sodium: { _ = s * a }),
                figure(
                    "multi-scalar multiplication, \(terms) terms (Straus)", max(1, n / 100),
                    own: { _ = EdwardsPoint.multiscalarMultiply(raw, points) },
                    sodium: { _ = zip(scalars, elements).reduce(Element.identity) { $0 + $1.0 * $1.1 } }),
                figure(
                    "fixed-base multiplication (own: B's width-8 table)", max(1, n / 20),
                    own: { _ = EdwardsPoint.multiscalarMultiply([], [], fixed: [(s.rawRepresentation, EdwardsPoint.basepointTable)]) },
                    sodium: { _ = Element.base(s) }),
                Figure(
                    operation: "multi-scalar multiplication, per term of \(batchTerms) (Pippenger)", ownMicroseconds: perTerm,
                    libsodiumMicroseconds: variable + addition, ratio: perTerm / (variable + addition)),
                Figure(
                    operation: "yes/no ballot, batch across ballots (estimate: 16 decodings + 16 terms)", ownMicroseconds: batchBallot,
                    libsodiumMicroseconds: bound, ratio: batchBallot / bound),
            ]
        }
    }
}
