import BoardAPI
import DeviceOutbox
import ElectionProtocol
import ElectionRecord
import ElectionVerifier
import Forensics
import Foundation
import Ristretto
import RistrettoArithmetic

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
    case json, entry, manifest, spec, receipt, reference, credential, outbox, csv, record, arithmetic

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
        case .spec:
            // The election spec: what decodes makes a manifest whose problems are named; a valid one reads back.
            if let spec = try? RecordCoding.decodeStrict(ElectionSpec.self, from: bytes) {
                let manifest = Fixtures.manifest(spec)
                if manifest.problems().isEmpty {
                    guard let encoded = try? RecordCoding.encode(manifest),
                        (try? RecordCoding.decodeStrict(Manifest.self, from: encoded)) == manifest
                    else { violated("a valid manifest does not read back") }
                }
            }
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
        case .outbox:
            Fixtures.outbox(bytes)
        case .csv:
            for preset in Preset.allCases { _ = try? StationTable.parse(bytes, mapping: preset.mapping) }
        case .record:
            Fixtures.differential(bytes)
        case .arithmetic:
            Fixtures.arithmetic(bytes)
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

    /// The manifest a spec describes, with this run's keys in place of the files it names.
    static func manifest(_ spec: ElectionSpec) -> Manifest {
        spec.manifest(
            trustees: spec.trustees.indices.map {
                TrusteeDescriptor(id: "t\($0 + 1)", index: $0 + 1, signingKey: boardKey, exchangeKey: [UInt8](repeating: 9, count: 32))
            }, credentialAuthority: boardKey,
            devices: (spec.devices ?? []).indices.map { DeviceDescriptor(id: "d\($0 + 1)", channel: .station, signingKey: boardKey) },
            boardKey: boardKey)
    }

    /// An outbox file as `device upload` meets it: opened for the owner it records, listed, each
    /// ballot checked; or refused with a typed error. Never a trap.
    static func outbox(_ bytes: [UInt8]) {
        let path = NSTemporaryDirectory() + "plebiscite-fuzz-outbox-\(getpid()).sqlite"
        let files = [path, path + "-wal", path + "-shm", path + "-journal"]
        for f in files { unlink(f) }
        defer { for f in files { unlink(f) } }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { violated("cannot write \(path)") }
        guard let owner = try? Outbox.owner(at: path), let box = try? Outbox(path: path, owner: owner) else { return }
        _ = try? box.counts()
        for item in (try? box.items()) ?? [] { _ = try? item.collectedBallot(contextHash: contextHash) }
    }

    /// Writes the outbox target's seed: an outbox holding a ballot of the golden record that
    /// checks, one cast with a receipt and one refused (`PlebisciteFuzz seed-outbox FILE`).
    static func seedOutbox(_ path: String) throws {
        guard let manifest else { violated("set FUZZ_MANIFEST to a golden record's manifest.json") }
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["FUZZ_MANIFEST"]!).deletingLastPathComponent()
        let log = try String(contentsOf: dir.appendingPathComponent("log.jsonl"), encoding: .utf8)
        let ballots = log.split(separator: "\n").compactMap { line -> EncryptedBallot? in
            guard case .ballot(let b) = (try? RecordCoding.decode(LogEntry.self, from: Array(line.utf8)))?.payload else { return nil }
            return b
        }
        guard ballots.count >= 3 else { violated("the golden log has fewer than 3 ballots") }
        let owner = Outbox.Owner(electionId: "fuzz", manifestHash: ProtocolHashes.manifestHash(manifest), deviceId: "d1")
        let box = try Outbox(path: path, owner: owner)
        for (i, b) in ballots.prefix(3).enumerated() {
            let n = try box.add(
                ballotHash: b.hash(contextHash: contextHash), ballot: try RecordCoding.encode(b),
                at: Date(timeIntervalSince1970: 1_800_000_000))
            if i == 1 { try box.markCast(n, seq: 7, receipt: Array(#"{"index":7}"#.utf8)) }
            if i == 2 { try box.markRefused(n, code: "outsideWindow", message: "the window closed") }
        }
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

extension Fixtures {
    /// The project's own ristretto255 arithmetic against libsodium on the same bytes: both accept
    /// or both refuse each 32-byte encoding, and agree on re-encoding, sums, differences, a scalar
    /// multiple (the next 32 bytes reduced mod l) and from_hash (64 bytes).
    static func arithmetic(_ bytes: [UInt8]) {
        var chunks = stride(from: 0, to: bytes.count - 31, by: 32).map { Array(bytes[$0..<$0 + 32]) }
        if chunks.isEmpty, !bytes.isEmpty { chunks = [Array(bytes + [UInt8](repeating: 0, count: 32 - bytes.count))] }
        var agreed = [(EdwardsPoint, Element)]()
        for chunk in chunks {
            let ours = try? EdwardsPoint(ristretto: chunk), theirs = try? Element(rawRepresentation: chunk)
            switch (ours, theirs) {
            case (nil, nil): continue
            case (let p?, let e?):
                guard p.ristrettoBytes == e.rawRepresentation else { violated("re-encoding differs for \(Hex.encode(chunk))") }
                agreed.append((p, e))
            default: violated("decoding of \(Hex.encode(chunk)): own \(ours != nil), libsodium \(theirs != nil)")
            }
        }
        for ((p, e), (q, f)) in zip(agreed, agreed.dropFirst()) {
            guard (p + q).ristrettoBytes == (e + f).rawRepresentation, (p - q).ristrettoBytes == (e - f).rawRepresentation else {
                violated("sum or difference differs")
            }
        }
        if chunks.count >= 2, let (p, e) = agreed.first {
            let s = Scalar(reducing: chunks[1] + [UInt8](repeating: 0, count: 32))
            guard p.times(s.rawRepresentation).ristrettoBytes == (s * e).rawRepresentation else { violated("scalar multiple differs") }
        }
        if bytes.count >= 64 {
            let wide = Array(bytes.prefix(64))
            guard EdwardsPoint(fromUniformBytes: wide).ristrettoBytes == Element(uniformBytes: wide).rawRepresentation else {
                violated("from_hash differs")
            }
        }
    }
}

@_cdecl("PlebisciteFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    guard argc >= 2, let name = argv?[1].map({ String(cString: $0) }),
        let target = Target(rawValue: name) ?? (name == "seed-outbox" ? .outbox : nil)
    else {
        FileHandle.standardError.write(
            Data("usage: PlebisciteFuzz TARGET [libFuzzer options] [CORPUS...]; targets: \(Target.allCases.map(\.rawValue))\n".utf8))
        return 64
    }
    if name == "seed-outbox", argc == 3 {
        do { try Fixtures.seedOutbox(String(cString: argv![2]!)) } catch { violated("seed-outbox: \(error)") }
        return 0
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
