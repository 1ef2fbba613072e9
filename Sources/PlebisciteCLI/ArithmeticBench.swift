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
        }

        func run() throws {
            BenchOutput.warnIfDebug("run `swift build -c release` and .build/release/plebiscite bench arithmetic for real figures")
            let figures = try Self.measure(iterations: iterations, terms: terms)
            if json {
                print(String(decoding: try JSONEncoder().encode(figures), as: UTF8.self))
                return
            }
            print("Own ristretto255 arithmetic against libsodium (microseconds per operation, best of 5 rounds, this run):")
            for f in figures {
                print(
                    "  \(f.operation.padding(toLength: 44, withPad: " ", startingAt: 0)) own \(String(format: "%9.2f", f.ownMicroseconds))  libsodium \(String(format: "%9.2f", f.libsodiumMicroseconds))  ratio \(String(format: "%.2f", f.ratio))x"
                )
            }
        }

        /// Each operation timed both ways on the same inputs.
        static func measure(iterations n: Int, terms: Int) throws -> [Figure] {
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
            return try [
                figure("decode", n, own: { _ = try EdwardsPoint(ristretto: bytes) }, sodium: { _ = try Element(rawRepresentation: bytes) }),
                figure("encode", n, own: { _ = pa.ristrettoBytes }, sodium: { _ = a.rawRepresentation }),
                figure("add (own: extended coordinates; libsodium: encoded)", n, own: { _ = pa + pb }, sodium: { _ = a + b }),
                figure(
                    "variable-base multiplication (own: double-and-add)", max(1, n / 20), own: { _ = pa.times(s.rawRepresentation) },
                    sodium: { _ = s * a }),
                figure(
                    "multi-scalar multiplication, \(terms) terms (Straus)", max(1, n / 100),
                    own: { _ = EdwardsPoint.multiscalarMultiply(raw, points) },
                    sodium: { _ = zip(scalars, elements).reduce(Element.identity) { $0 + $1.0 * $1.1 } }),
            ]
        }
    }
}
