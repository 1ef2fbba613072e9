import Foundation

/// The one loader of the test-vector files: JSON files in a bundle's `Vectors` folder, read into
/// any Decodable shape. The protocol's known answers (protocol-hashes.json) live in this target's
/// own bundle; the RFC vectors stay with the tests of their layer and pass their bundle.
public enum TestVectors {
    public static func load<T: Decodable>(_ name: String, as type: T.Type = T.self, bundle: Bundle? = nil) throws -> T {
        let bundle = bundle ?? .module
        guard let url = bundle.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Vectors/\(name).json"])
        }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    /// The known answers of docs/PROTOCOL.md sections 2-4 (made by Vectors/protocol-vectors.py).
    public static func protocolHashes() throws -> ProtocolVectors { try load("protocol-hashes") }
}

/// The cases of protocol-hashes.json: a function of the protocol, its inputs, its expected outputs.
public struct ProtocolVectors: Decodable, Sendable {
    public struct Case: Decodable, Sendable, CustomStringConvertible {
        public var name: String
        public var function: String
        public var input: [String: Value]
        public var expected: [String: String]
        public var description: String { name }

        /// A string input (hex, text or a JSON text).
        public func string(_ key: String) -> String { input[key]?.string ?? "" }
        public func int(_ key: String) -> Int { input[key]?.int ?? -1 }
        public func strings(_ key: String) -> [String] { input[key]?.strings ?? [] }
        public func lists(_ key: String) -> [[String]] { input[key]?.lists ?? [] }
    }

    /// An input value: a string, an integer, a list of strings or a list of lists of strings.
    public enum Value: Decodable, Sendable {
        case string(String), int(Int), strings([String]), lists([[String]])

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) {
                self = .string(s)
            } else if let i = try? c.decode(Int.self) {
                self = .int(i)
            } else if let l = try? c.decode([String].self) {
                self = .strings(l)
            } else {
                self = .lists(try c.decode([[String]].self))
            }
        }

        var string: String? { if case .string(let s) = self { s } else { nil } }
        var int: Int? { if case .int(let i) = self { i } else { nil } }
        var strings: [String]? { if case .strings(let l) = self { l } else { nil } }
        var lists: [[String]]? { if case .lists(let l) = self { l } else { nil } }
    }

    public var source: String
    public var cases: [Case]

    /// The cases of one function.
    public func cases(_ function: String) -> [Case] { cases.filter { $0.function == function } }
}
