import Foundation
import Ristretto

/// The booth's static files (the WebAssembly libsodium and the page's scripts), read once at start
/// and served as they are: what the voters' browsers run is exactly what the booth hash names.
public struct BoothAssets: Sendable {
    /// One served file.
    public struct Asset: Sendable {
        public var name: String
        public var bytes: [UInt8]
        public var contentType: String
        /// SHA-256 of the bytes, lowercase hex.
        public var sha256: String
    }

    /// Why a booth directory cannot be served; each case names the file.
    public enum LoadError: Error, Equatable, Sendable, CustomStringConvertible {
        case missing(String)
        case unreadable(String)
        case unexpected(String)

        public var description: String {
            switch self {
            case .missing(let f): "the booth assets lack \(f) (run scripts/build-booth-wasm)"
            case .unreadable(let f): "cannot read the booth asset \(f)"
            case .unexpected(let f): "\(f) is not a booth asset (only .wasm, .js, .css and .html files are served)"
            }
        }
    }

    /// The files every booth needs.
    public static let required = [
        "sodium.wasm", "sodium.js", "ballot.js", "receipt.js", "i18n.js", "board.js", "booth.js", "booth.css", "vote.html", "track.js",
        "track.html",
        "election.js", "election.html", "index.js", "index.html",
    ]

    /// Every page of the booth: scripts and styles from this board only, WebAssembly compiled from
    /// those scripts, requests to this board only, no frames, no forms posted elsewhere.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    static let types = [
        "wasm": "application/wasm", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
        "html": "text/html; charset=utf-8",
    ]

    /// The files by name, in name order.
    public let assets: [String: Asset]

    /// The booth hash: SHA-256 over one line per file in name order, `NAME SP SHA256-HEX LF`.
    /// Any change to any served file changes it; the manifest may pin it (`boothHash`).
    public let hash: String

    /// Reads every file of `directory` (not its subdirectories); refuses a directory without the required files.
    public init(directory: String) throws(LoadError) {
        guard let listed = try? FileManager.default.contentsOfDirectory(atPath: directory) else { throw .unreadable(directory) }
        let names = listed.sorted()
        var assets = [String: Asset]()
        for name in names {
            var isDirectory: ObjCBool = false
            let path = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            guard let type = Self.types[(name as NSString).pathExtension] else { throw .unexpected(name) }
            guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(name) }
            let bytes = Array(data)
            assets[name] = Asset(name: name, bytes: bytes, contentType: type, sha256: Hex.encode(SHA256.hash(bytes)))
        }
        for name in Self.required where assets[name] == nil { throw .missing(name) }
        self.init(assets: assets)
    }

    init(assets: [String: Asset]) {
        self.assets = assets
        let listing = assets.keys.sorted().map { "\($0) \(assets[$0]!.sha256)\n" }.joined()
        hash = Hex.encode(SHA256.hash(Array(listing.utf8)))
    }
}
