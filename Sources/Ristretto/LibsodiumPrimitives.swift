import CSodium
import Dispatch

/// Raw libsodium primitive loops, for benchmarks: the baseline every ratio is measured against.
public enum LibsodiumPrimitives {
    public enum Primitive: String, CaseIterable, Sendable {
        /// crypto_scalarmult_ristretto255_base
        case fixedBaseMultiplication
        /// crypto_scalarmult_ristretto255
        case variableBaseMultiplication
        /// crypto_core_ristretto255_add
        case addition
        /// crypto_core_ristretto255_is_valid_point
        case decoding
    }

    /// Seconds per operation: the best of `rounds` timed loops of `iterations` calls each.
    public static func secondsPerOperation(_ primitive: Primitive, iterations: Int, rounds: Int = 5) -> Double {
        Sodium.ensureInitialised()
        var scalar = Scalar.random().rawRepresentation
        var point = Element.random().rawRepresentation
        var other = Element.random().rawRepresentation
        var out = [UInt8](repeating: 0, count: 32)
        var best = Double.infinity
        var sink: Int32 = 0
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            switch primitive {
            case .fixedBaseMultiplication:
                for _ in 0..<iterations {
                    sink &+= crypto_scalarmult_ristretto255_base(&out, scalar)
                    scalar[0] = out[0] & 0x7f
                }
            case .variableBaseMultiplication:
                for _ in 0..<iterations {
                    sink &+= crypto_scalarmult_ristretto255(&out, scalar, point)
                    scalar[0] = out[0] & 0x7f
                }
            case .addition:
                for _ in 0..<iterations {
                    sink &+= crypto_core_ristretto255_add(&out, point, other)
                    swap(&point, &out)
                }
            case .decoding:
                for i in 0..<iterations {
                    sink &+= crypto_core_ristretto255_is_valid_point(i & 1 == 0 ? point : other)
                }
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, elapsed / Double(iterations))
        }
        if sink == Int32.min { print("") }  // keep the loop observable
        _ = other.withUnsafeMutableBufferPointer { _ in 0 }
        return best
    }
}
