import Foundation

/// Runs one of the booth's node scripts (booth/test/*.mjs) on the WebAssembly libsodium that
/// scripts/build-booth-wasm builds: the page's cryptography, cross-checked by the Swift tests.
public enum BoothScript {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    public static let wasm = root.appendingPathComponent(".build/booth/sodium.wasm").path

    /// A fresh booth directory (remove it after use): the page's files from booth/web and the built
    /// WebAssembly module, as `plebiscite serve --booth` serves them.
    public static func site() throws -> String {
        guard FileManager.default.fileExists(atPath: wasm) else {
            throw Failure(description: "\(wasm) is missing: run scripts/build-booth-wasm")
        }
        let dir = NSTemporaryDirectory() + "booth-site-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let web = root.appendingPathComponent("booth/web").path
        for name in try FileManager.default.contentsOfDirectory(atPath: web) {
            try FileManager.default.copyItem(atPath: web + "/" + name, toPath: dir + "/" + name)
        }
        try FileManager.default.copyItem(atPath: wasm, toPath: dir + "/sodium.wasm")
        return dir
    }

    /// Writes `input` as JSON, runs `node booth/test/SCRIPT WASM INPUT` and returns what it printed.
    public static func run(_ script: String, input: Any) throws -> Data {
        guard FileManager.default.fileExists(atPath: wasm) else {
            throw Failure(description: "\(wasm) is missing: run scripts/build-booth-wasm")
        }
        let path = NSTemporaryDirectory() + "booth-input-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: input).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["node", root.appendingPathComponent("booth/test/\(script)").path, wasm, path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw Failure(description: "node \(script) exited \(p.terminationStatus)") }
        return data
    }
}
