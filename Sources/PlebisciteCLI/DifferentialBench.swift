import ArgumentParser
import Dispatch
import Foundation
import PlebisciteCrypto
import Synchronization

extension PlebisciteCommand {
    /// `plebiscite bench differential`: the own arithmetic against libsodium on millions of random inputs.
    struct DifferentialBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "differential",
            abstract: "Compare the project's own ristretto255 arithmetic with libsodium on random inputs, every operation.",
            discussion: """
                Decoding, encoding, addition, subtraction, scalar multiplication, from_hash and multi-scalar \
                multiplication (Straus, Pippenger), each --operations times on fresh random inputs. Prints the \
                disagreements per operation (the first few in full) and exits 1 if there is any.
                """)

        @Option(help: "Rounds per operation.") var operations = 1_000_000
        @Option(
            name: .customLong("only"), parsing: .upToNextOption,
            help: "Only these operations (\(ArithmeticDifferential.Operation.allCases.map(\.rawValue).joined(separator: ", "))).")
        var only: [ArithmeticDifferential.Operation] = ArithmeticDifferential.Operation.allCases
        @OptionGroup var workers: WorkerOptions

        func validate() throws {
            if operations < 1 { throw ValidationError("--operations must be at least 1") }
        }

        func run() throws {
            BenchOutput.warnIfDebug("run `swift build -c release` and .build/release/plebiscite bench differential")
            var disagreements = 0
            print("Own arithmetic against libsodium, \(operations) random rounds per operation, \(workers.count) thread(s):")
            for operation in ArithmeticDifferential.Operation.allCases where only.contains(operation) {
                let found = Mutex<(count: Int, first: [String])>((0, []))
                let start = DispatchTime.now().uptimeNanoseconds
                let chunks = workers.count * 8
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let rounds = operations * (c + 1) / chunks - operations * c / chunks
                    for _ in 0..<rounds {
                        guard let difference = ArithmeticDifferential.round(operation) else { continue }
                        found.withLock {
                            $0.count += 1
                            if $0.first.count < 3 { $0.first.append(difference) }
                        }
                    }
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let (count, first) = found.withLock { $0 }
                disagreements += count
                print(
                    "  \(operation.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0)) \(operations) rounds, "
                        + "\(count) disagreements, \(String(format: "%.1f", seconds)) s")
                for d in first { print("    \(d)") }
            }
            guard disagreements == 0 else { throw StepFailure("\(disagreements) disagreements between the own arithmetic and libsodium") }
        }
    }

}

extension ArithmeticDifferential.Operation: ExpressibleByArgument {}
