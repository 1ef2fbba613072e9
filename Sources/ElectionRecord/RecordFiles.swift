import Foundation
import TransparencyLog

/// A record's three files as bytes (manifest.json, log.jsonl, treeheads.jsonl): what a board
/// serves, downloads, zips and verifies.
public struct RecordFiles: Sendable {
    public var manifestBytes: [UInt8]
    /// log.jsonl: every line and its newline.
    public var log: [UInt8]
    public var treeHeads: [SignedTreeHead]

    /// The record from the board's lines, each followed by a newline as in log.jsonl.
    public init(manifestBytes: [UInt8], lines: [[UInt8]], treeHeads: [SignedTreeHead]) {
        self.manifestBytes = manifestBytes
        log = []
        log.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        for l in lines {
            log += l
            log.append(UInt8(ascii: "\n"))
        }
        self.treeHeads = treeHeads
    }

    /// Parsed for the verifier and the protocol steps.
    public var loaded: LoadedRecord {
        var record = LoadedRecord.parse(manifestBytes: manifestBytes, log: log)
        record.treeHeads = treeHeads
        return record
    }

    /// treeheads.jsonl: one head per line.
    public var treeHeadsBytes: [UInt8] { Self.treeHeadLines(treeHeads) }

    /// Heads as treeheads.jsonl holds them: each head's JSON and a newline.
    public static func treeHeadLines(_ heads: [SignedTreeHead]) -> [UInt8] {
        // A head (integers and hex strings) always encodes.
        heads.flatMap { (try? RecordCoding.encode($0)).map { $0 + [UInt8(ascii: "\n")] } ?? [] }
    }

    /// Writes the on-disk layout (manifest.json, log.jsonl, treeheads.jsonl), refusing to overwrite a record.
    public func write(to dir: RecordDirectory) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: dir.url, withIntermediateDirectories: true)
        guard !fm.fileExists(atPath: dir.logURL.path) else {
            throw RecordError.io("\(dir.logURL.path) already exists: refusing to overwrite a record")
        }
        try Data(manifestBytes).write(to: dir.manifestURL)
        try Data(treeHeadsBytes).write(to: dir.treeHeadsURL)
        try Data(log).write(to: dir.logURL)
    }
}
