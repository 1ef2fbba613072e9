import BoardAPI
import ElectionProtocol
import ElectionRecord
import ElectionVerifier
import Forensics
import Foundation
import Ristretto

// Coverage-guided fuzz targets for every parser that meets hostile bytes, run by libFuzzer
// (scripts/fuzz builds this with sanitizer coverage and AddressSanitizer and links libFuzzer's
// no-main runtime). The first argument names the target; the rest are libFuzzer's.

/// libFuzzer's entry point when the program has its own main.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// A property the target checks broke: libFuzzer records the input as a crash.
func violated(_ what: String) -> Never { fatalError("property violated: \(what)") }

/// Each target: bytes in, no crash, no hang, and its property holds.
enum Target: String, CaseIterable {
    case json, entry, manifest, receipt, reference, credential, csv, record

    func run(_ bytes: [UInt8]) {
        switch self {
        case .json:
            // The strict reader accepts or names a problem; what it accepts compares equal to itself.
            if let parsed = try? StrictJSON.parse(bytes), let d = parsed.difference(from: parsed) {
                violated("json differs from itself at \(d)")
            }
        case .entry:
            // A log line: the lenient and the strict decoder agree on what they both accept.
            let lenient = try? RecordCoding.decode(LogEntry.self, from: bytes)
            if let strict = try? RecordCoding.decodeStrict(LogEntry.self, from: bytes) {
                guard let lenient, lenient == strict else { violated("the strict decoder accepts a line the lenient one reads otherwise") }
            }
        case .manifest:
            if let m = try? RecordCoding.decodeStrict(Manifest.self, from: bytes) { _ = m.problems() }
        case .receipt:
            if let r = try? RecordCoding.decode(BoardReceipt.self, from: bytes) {
                _ = r.problem(boardKey: Fixtures.boardKey, ballotHash: r.ballotHash, contextHash: Fixtures.contextHash)
            }
        case .reference:
            if let r = BallotReference(String(decoding: bytes, as: UTF8.self)) {
                // What parses prints as something that parses to the same reference.
                guard BallotReference(r.description) == r else { violated("reference \(r) does not read back") }
            }
        case .credential:
            let text = String(decoding: bytes, as: UTF8.self)
            if let c = try? VoterCredential(text: text, electionId: "fuzz") {
                guard (try? VoterCredential(text: c.text, electionId: "fuzz"))?.publicKey == c.publicKey else {
                    violated("credential \(c.text) does not read back")
                }
            }
        case .csv:
            for preset in Preset.allCases { _ = try? StationTable.parse(bytes, mapping: preset.mapping) }
        case .record:
            Fixtures.differential(bytes)
        }
    }
}

/// What the targets share: a board key, a context hash, and a golden manifest for whole records.
enum Fixtures {
    static let boardKey = Ed25519.SigningKey().publicKey
    static let contextHash = Digest.of("fuzz") { _ in }
    /// The manifest of the record target: FUZZ_MANIFEST, a golden record's manifest.json.
    nonisolated(unsafe) static let manifest: [UInt8]? = ProcessInfo.processInfo.environment["FUZZ_MANIFEST"].flatMap {
        FileManager.default.contents(atPath: $0).map(Array.init)
    }

    /// The same log to the file board (which decides every entry when it opens a record) and to
    /// the verifier: the board opens what verifies and refuses what does not (a founded complaint,
    /// check 3.4, is the one record the board keeps and the verifier calls a failed ceremony).
    static func differential(_ log: [UInt8]) {
        guard let manifest else { violated("set FUZZ_MANIFEST to a golden record's manifest.json") }
        let report = RecordVerifier.verify(LoadedRecord.parse(manifestBytes: manifest, log: log, workers: 1), workers: 1)
        let dir = RecordDirectory(
            URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-fuzz-\(getpid())"))
        try? FileManager.default.removeItem(at: dir.url)
        defer { try? FileManager.default.removeItem(at: dir.url) }
        do {
            try FileManager.default.createDirectory(at: dir.url, withIntermediateDirectories: true)
            try Data(manifest).write(to: dir.manifestURL)
            try Data(log).write(to: dir.logURL)
        } catch { violated("cannot write the record: \(error)") }
        let opened = (try? FileBoard(directory: dir, durable: false)) != nil
        let failed = Set(report.failures.map(\.check))
        let verifies = failed.isEmpty || failed == [.complaints]
        if opened && !verifies { violated("the board opens a log the verifier refuses (\(failed.sorted().map(\.rawValue)))") }
        if !opened && verifies && !log.isEmpty { violated("the board refuses a log the verifier accepts") }
    }
}

@_cdecl("PlebisciteFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    guard argc >= 2, let name = argv?[1].map({ String(cString: $0) }), let target = Target(rawValue: name) else {
        FileHandle.standardError.write(
            Data("usage: PlebisciteFuzz TARGET [libFuzzer options] [CORPUS...]; targets: \(Target.allCases.map(\.rawValue))\n".utf8))
        return 64
    }
    selected = target
    // libFuzzer reads argv[0] and its own options: drop the target's name.
    var args = [argv![0]] + (2..<Int(argc)).map { argv![$0] }
    var count = CInt(args.count)
    return args.withUnsafeMutableBufferPointer { buffer in
        var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
        return runDriver(&count, &pointer) { data, size in
            selected.run(Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
    }
}

nonisolated(unsafe) var selected = Target.json
