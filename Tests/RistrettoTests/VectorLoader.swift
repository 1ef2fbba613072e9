import Foundation

/// Reads a JSON test-vector file shipped with the test bundle into any Decodable shape.
func loadVectors<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
    guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Vectors/\(name).json"])
    }
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}
