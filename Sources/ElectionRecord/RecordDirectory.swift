import Foundation
import Ristretto
import TransparencyLog

/// The on-disk layout of an election record (docs/PROTOCOL.md section 5):
///
///     RECORD/manifest.json   the manifest, exact published bytes
///     RECORD/log.jsonl       one entry per line, hash-chained
public struct RecordDirectory: Sendable {
    public let url: URL
    public var manifestURL: URL { url.appendingPathComponent("manifest.json") }
    public var logURL: URL { url.appendingPathComponent("log.jsonl") }
    /// The board's signed tree heads over the log, one JSON object per line (optional).
    public var treeHeadsURL: URL { url.appendingPathComponent("treeheads.jsonl") }

    public init(_ url: URL) { self.url = url }
    public init(path: String) { self.init(URL(fileURLWithPath: path)) }
}

/// One line of log.jsonl that could not be read as an entry.
public struct LineProblem: Error, Sendable, Equatable {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

/// A record as read from disk: manifest bytes, the entries that parsed, and the lines that did not.
public struct LoadedRecord: Sendable {
    public var manifestBytes: [UInt8]
    public var entries: [RecordedEntry]
    public var problems: [LineProblem]
    /// Signed tree heads from treeheads.jsonl, and lines of it that could not be read.
    public var treeHeads: [SignedTreeHead] = []
    public var treeHeadProblems: [LineProblem] = []

    /// Reads a record directory. Unreadable lines are collected, not fatal, so that a verifier can
    /// report every problem; a missing file is an error.
    /// log.jsonl's bytes. An empty log (a record just created) is answered without Foundation's
    /// reader, which leaks its 4 KiB buffer on an empty file (found by the fuzzer's empty input).
    static func readLog(_ url: URL) throws -> Data {
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int
        return size == 0 ? Data() : try Data(contentsOf: url)
    }

    public static func load(_ dir: RecordDirectory) throws(RecordError) -> LoadedRecord {
        let manifest: Data
        let log: Data
        do { manifest = try Data(contentsOf: dir.manifestURL) } catch {
            throw .io("cannot read \(dir.manifestURL.path): \(error.localizedDescription)")
        }
        do { log = try readLog(dir.logURL) } catch {
            throw .io("cannot read \(dir.logURL.path): \(error.localizedDescription)")
        }
        var record = parse(manifestBytes: Array(manifest), log: Array(log))
        if let heads = FileManager.default.contents(atPath: dir.treeHeadsURL.path) {
            for (i, line) in heads.split(separator: UInt8(ascii: "\n")).enumerated() {
                do { record.treeHeads.append(try RecordCoding.decodeStrict(SignedTreeHead.self, from: Array(line))) } catch {
                    record.treeHeadProblems.append(LineProblem(line: i + 1, message: "\(error)"))
                }
            }
        }
        return record
    }

    /// Splits log bytes into lines and decodes them on `workers` threads.
    public static func parse(manifestBytes: [UInt8], log: [UInt8], workers: Int = Parallel.cores) -> LoadedRecord {
        let lines = log.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let decoded = Parallel.map(Array(lines.enumerated()), workers: workers) { (i, raw) -> Result<RecordedEntry, LineProblem>? in
            if raw.isEmpty {
                return i == lines.count - 1 ? nil : .failure(LineProblem(line: i + 1, message: "empty line"))
            }
            let line = Array(raw)
            do {
                return .success(RecordedEntry(entry: try RecordCoding.decodeStrict(LogEntry.self, from: line), line: line))
            } catch {
                return .failure(LineProblem(line: i + 1, message: "\(error)"))
            }
        }
        var entries = [RecordedEntry]()
        var problems = [LineProblem]()
        entries.reserveCapacity(decoded.count)
        for d in decoded {
            switch d {
            case .success(let e): entries.append(e)
            case .failure(let p): problems.append(p)
            case nil: break
            }
        }
        if let last = lines.last, !last.isEmpty {
            problems.append(LineProblem(line: lines.count, message: "last line has no newline (truncated write?)"))
        }
        return LoadedRecord(manifestBytes: manifestBytes, entries: entries, problems: problems)
    }
}
