import ElectionRecord
import Foundation
import PlebisciteCLI
import TransparencyLog

/// One small demo record per test process, with re-votes and challenged ballots, copied per test.
enum DemoRecord {
    static let lines: (manifest: [UInt8], log: [[UInt8]], heads: [SignedTreeHead]) = {
        let dir = RecordDirectory(
            URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-demo-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: dir.url) }
        var scenario = DemoScenario(voters: 16, seed: 3, workers: 2)
        scenario.revoteRate = 0.25
        scenario.challengeRate = 0.3
        // Tallied per voting day, so that every cell's day is tampered with too.
        scenario.tallyDays = TallyDays(utcOffsetMinutes: 120)
        let outcome = try! scenario.run(at: dir)
        precondition(outcome.report.ok, "demo record must verify: \(outcome.report.failures)")
        let log = try! Data(contentsOf: dir.logURL)
        let manifest = try! Data(contentsOf: dir.manifestURL)
        let heads = try! LoadedRecord.load(dir).treeHeads
        return (Array(manifest), log.split(separator: UInt8(ascii: "\n")).map(Array.init), heads)
    }()

    static func record(manifest: [UInt8]? = nil, lines: [[UInt8]]? = nil, heads: [SignedTreeHead] = []) -> LoadedRecord {
        let body = (lines ?? Self.lines.log).map { $0 + [UInt8(ascii: "\n")] }.joined()
        var record = LoadedRecord.parse(manifestBytes: manifest ?? Self.lines.manifest, log: Array(body))
        record.treeHeads = heads
        return record
    }
}

/// JSON tree surgery on log lines, with the hash chain re-linked as a rewriting attacker would.
enum Surgery {
    static func object(_ line: [UInt8]) -> [String: Any] {
        try! JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
    }

    static func line(_ object: [String: Any]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    /// Replaces line `index` and rewrites every later line's `prev` so the chain stays linked.
    static func rechain(_ lines: [[UInt8]], replacing index: Int, with newLine: [UInt8]) -> [[UInt8]] {
        var out = lines
        out[index] = newLine
        for i in (index + 1)..<out.count {
            var o = object(out[i])
            o["prev"] = ProtocolHashes.entryHash(out[i - 1]).hex
            out[i] = line(o)
        }
        return out
    }

    /// A path into a JSON tree: keys and array indices.
    enum Step: CustomStringConvertible {
        case key(String), index(Int)
        var description: String {
            switch self {
            case .key(let k): ".\(k)"
            case .index(let i): "[\(i)]"
            }
        }
    }

    /// Every leaf path (and every array path, for removal), visiting only index 0 of arrays:
    /// the other elements are fields of the same kind.
    static func paths(_ value: Any, prefix: [Step] = []) -> [(path: [Step], isArray: Bool)] {
        if let d = value as? [String: Any] {
            return d.keys.sorted().flatMap { paths(d[$0]!, prefix: prefix + [.key($0)]) }
        }
        if let a = value as? [Any] {
            return [(prefix, true)] + (a.isEmpty ? [] : paths(a[0], prefix: prefix + [.index(0)]))
        }
        return [(prefix, false)]
    }

    static func get(_ value: Any, _ path: ArraySlice<Step>) -> Any {
        guard let step = path.first else { return value }
        switch step {
        case .key(let k): return get((value as! [String: Any])[k]!, path.dropFirst())
        case .index(let i): return get((value as! [Any])[i], path.dropFirst())
        }
    }

    static func set(_ value: Any, _ path: ArraySlice<Step>, _ transform: (Any) -> Any) -> Any {
        guard let step = path.first else { return transform(value) }
        switch step {
        case .key(let k):
            var d = value as! [String: Any]
            d[k] = set(d[k]!, path.dropFirst(), transform)
            return d
        case .index(let i):
            var a = value as! [Any]
            a[i] = set(a[i], path.dropFirst(), transform)
            return a
        }
    }
}
