import BoardAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ristretto
import Testing

@testable import BoardServer

@Suite("The booth's files served by the board")
struct BoothAssetsTests {
    /// A booth directory with the required files (made-up contents) and any extra ones.
    static func directory(_ files: [String: String]) throws -> String {
        let dir = NSTemporaryDirectory() + "booth-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        return dir
    }

    static let files = [
        "sodium.wasm": "\0asm-module", "sodium.js": "export const a = 1;", "ballot.js": "export const b = 2;", "receipt.js": "//",
        "booth.js": "//", "booth.css": "body{}", "vote.html": "<!DOCTYPE html><title>vote</title>", "i18n.js": "//", "board.js": "//", "track.js": "//",
        "track.html": "<!DOCTYPE html><title>track</title>", "election.js": "//", "election.html": "<!DOCTYPE html><title>election</title>",
        "index.js": "//", "index.html": "<!DOCTYPE html><title>board</title>",
    ]

    @Test("Files are served as loaded with their type, and the booth hash is SHA-256 over the NAME SP SHA256 LF listing")
    func served() async throws {
        let dir = try Self.directory(Self.files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let booth = try BoothAssets(directory: dir)
        let listing = Self.files.keys.sorted().map { "\($0) \(Hex.encode(SHA256.hash(Array(Self.files[$0]!.utf8))))\n" }.joined()
        #expect(booth.hash == Hex.encode(SHA256.hash(Array(listing.utf8))))
        let (service, cleanup) = try BoardRouterTests.freshService("booth")
        defer { cleanup() }
        var config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "op")
        config.booth = booth
        try await buildApplication(service: service, configuration: config).test(.router) { client in
            try await client.execute(uri: "/booth/ballot.js", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body) == Self.files["ballot.js"])
                #expect(r.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(r.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            }
            try await client.execute(uri: "/booth/sodium.wasm", method: .get) { r in
                #expect(r.headers[.contentType] == "application/wasm")
                #expect(Array(buffer: r.body) == Array(Self.files["sodium.wasm"]!.utf8))
            }
            try await client.execute(uri: "/booth/hash", method: .get) { r in
                let got = try JSONDecoder().decode(BoothListing.self, from: Data(buffer: r.body))
                #expect(got.boothHash == booth.hash)
                #expect(got.files.map(\.name) == Self.files.keys.sorted())
                #expect(got.files.allSatisfy { $0.sha256 == booth.assets[$0.name]!.sha256 })
            }
            for (uri, file) in [
                ("/elections/any/vote", "vote.html"), ("/elections/any/track/ABCD-EFGH-JKMN-PQRS", "track.html"),
                ("/elections/any/", "election.html"),
                ("/elections/any", "election.html"), ("/", "index.html"),
            ] {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .ok)
                    #expect(String(buffer: r.body) == Self.files[file])
                    #expect(r.headers[.contentSecurityPolicy] == BoothAssets.contentSecurityPolicy)
                    #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                }
            }
            for uri in ["/booth/other.js", "/booth/..%2Fboard.sqlite", "/booth/%2E%2E"] {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .notFound, "\(uri)")
                    let code = try BoardRouterTests.code(r)
                    #expect(code == "notFound")
                }
            }
        }
        // Any changed byte changes the booth hash.
        try Data("export const b = 3;".utf8).write(to: URL(fileURLWithPath: dir + "/ballot.js"))
        #expect(try BoothAssets(directory: dir).hash != booth.hash)
    }

    @Test("A board without a booth says so; a booth directory missing a file or holding a foreign one is refused by name")
    func refusals() async throws {
        let (service, cleanup) = try BoardRouterTests.freshService("nobooth")
        defer { cleanup() }
        let config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "op")
        try await buildApplication(service: service, configuration: config).test(.router) { client in
            try await client.execute(uri: "/booth/hash", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(String(buffer: r.body).contains("serves no booth"))
            }
        }
        var partial = Self.files
        partial["sodium.wasm"] = nil
        let missing = try Self.directory(partial)
        defer { try? FileManager.default.removeItem(atPath: missing) }
        #expect(throws: BoothAssets.LoadError.missing("sodium.wasm")) { try BoothAssets(directory: missing) }
        var extra = Self.files
        extra["notes.txt"] = "x"
        let foreign = try Self.directory(extra)
        defer { try? FileManager.default.removeItem(atPath: foreign) }
        #expect(throws: BoothAssets.LoadError.unexpected("notes.txt")) { try BoothAssets(directory: foreign) }
        #expect(throws: BoothAssets.LoadError.unreadable("/nonexistent-booth-dir")) { try BoothAssets(directory: "/nonexistent-booth-dir") }
    }
}
