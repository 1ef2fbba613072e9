import BoardAPI
import BoardService
import ElectionRecord
import Foundation
import TransparencyLog
import ZIPFoundation

#if canImport(Glibc)
    import Glibc
#endif

/// Each election's record.zip, built once per record (log size and stored heads) and kept on disk,
/// so that any number of downloads stream one file. Building reads the log a page at a time and
/// deflates it on a thread of its own at low priority: the memory is a page whatever the record's
/// size, and casting keeps the processors and the cooperative threads.
actor RecordArchives {
    /// Which record a zip holds.
    struct Key: Equatable, Sendable {
        var size: Int
        var heads: Int
    }

    /// A zip on disk.
    struct Built: Sendable {
        let key: Key
        let url: URL
        let bytes: Int
    }

    /// A zip opened for one download: the descriptor keeps the file readable after a newer zip replaces it.
    struct Opened: Sendable {
        let handle: FileHandle
        let bytes: Int
        let size: Int
    }

    private let directory: URL
    private let builds: HeavyReads
    private var current: [String: Built] = [:]
    private var building: [String: Task<Built, any Error>] = [:]
    private var serial = 0

    /// Zips kept in a fresh folder under `parent`; `builds` bounds the zips built at once.
    init(parent: URL = URL(fileURLWithPath: NSTemporaryDirectory()), builds: HeavyReads) {
        directory = parent.appendingPathComponent("plebiscite-archives-\(getpid())-\(UUID().uuidString.prefix(8))")
        self.builds = builds
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// The election's record as a zip, opened: the current record's, built now if need be. A build
    /// of the same election under way is joined (its record is at most that build's age); when no
    /// build slot is free, the last zip built is served if there is one, and otherwise nil (busy).
    func open(_ id: String, service: BoardService) async throws -> Opened? {
        let snapshot = try await service.snapshot(id)
        let key = Key(size: snapshot.size, heads: snapshot.heads.count)
        if let built = current[id], built.key == key { return try open(built) }
        if let task = building[id] { return try open(try await task.value) }
        guard builds.tryAcquire() else { return try current[id].map(open) }
        serial += 1
        let url = directory.appendingPathComponent("\(serial).zip")
        let directory = directory
        let task = Task<Built, any Error> {
            defer { builds.release() }
            // A zip ends under a head the board signed: one over the whole log is signed (and kept)
            // unless a stored head covers it already, so a record taken while voting carries one.
            var (snapshot, key) = (snapshot, key)
            if (snapshot.heads.map(\.size).max() ?? -1) < snapshot.size {
                _ = try await service.signTreeHead(id)
                snapshot = try await service.snapshot(id)
                key = Key(size: snapshot.size, heads: snapshot.heads.count)
            }
            return try await Self.build(id, snapshot, service: service, directory: directory, to: url, key: key)
        }
        building[id] = task
        defer { building[id] = nil }
        let built: Built
        do { built = try await task.value } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        if let old = current[id], old.url != built.url { try? FileManager.default.removeItem(at: old.url) }
        current[id] = built
        return try open(built)
    }

    private func open(_ built: Built) throws -> Opened {
        Opened(handle: try FileHandle(forReadingFrom: built.url), bytes: built.bytes, size: built.key.size)
    }

    /// Writes log.jsonl from the store a page at a time, then zips the three files under a folder
    /// named after the election (deflated) on a low-priority thread.
    private static func build(
        _ id: String, _ snapshot: (manifest: [UInt8], heads: [SignedTreeHead], size: Int), service: BoardService, directory: URL,
        to url: URL, key: Key
    ) async throws -> Built {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = url.deletingPathExtension().appendingPathExtension("jsonl")
        defer { try? FileManager.default.removeItem(at: log) }
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let out = try FileHandle(forWritingTo: log)
        do {
            for start in stride(from: 0, to: snapshot.size, by: BoardService.pageSize) {
                let page = try await service.lines(id, range: start..<min(snapshot.size, start + BoardService.pageSize))
                var bytes = [UInt8]()
                bytes.reserveCapacity(page.reduce(0) { $0 + $1.count + 1 })
                for line in page {
                    bytes += line
                    bytes.append(UInt8(ascii: "\n"))
                }
                try out.write(contentsOf: bytes)
            }
            try out.close()
        } catch {
            try? out.close()
            throw error
        }
        let heads = RecordFiles.treeHeadLines(snapshot.heads)
        try await onLowPriorityThread {
            let archive = try Archive(url: url, accessMode: .create)
            try archive.addEntry(with: "\(id)/manifest.json", bytes: snapshot.manifest)
            try archive.addEntry(with: "\(id)/log.jsonl", fileURL: log, compressionMethod: .deflate)
            try archive.addEntry(with: "\(id)/treeheads.jsonl", bytes: heads)
        }
        let bytes = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
        return Built(key: key, url: url, bytes: bytes)
    }

    /// Runs `body` on a thread of its own with a lower scheduling priority (nice 10): CPU-heavy
    /// work that must neither hold a cooperative thread nor slow the requests beside it.
    static func onLowPriorityThread(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                #if canImport(Glibc)
                    // Linux keeps a nice value per thread: "who" 0 is the calling thread, so this lowers this one alone.
                    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                #endif
                done.resume(with: Result { try body() })
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}

extension Archive {
    /// Adds a small file from memory, deflated.
    func addEntry(with path: String, bytes: [UInt8]) throws {
        let data = Data(bytes)
        try addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
}
