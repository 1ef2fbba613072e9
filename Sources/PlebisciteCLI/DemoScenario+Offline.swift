import DeviceOutbox
import ElectionRecord
import Foundation

/// The demo's mobile team without a network (the hills' device): its ballots go into the device's
/// outbox when collected, and to the board when it uploads, every six hours of voting and before
/// the close. The outbox is DIR/mobile-hills-outbox.sqlite.
final class OfflineTeam {
    let outbox: Outbox
    private(set) var lastUpload: Date
    private(set) var uploads = 0
    private(set) var collected = 0
    static let uploadEvery: TimeInterval = 6 * 3_600

    init(directory: RecordDirectory, manifest: Manifest, manifestHash: Digest, opens: Date) throws {
        let path = directory.url.appendingPathComponent("mobile-hills-outbox.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        outbox = try Outbox(path: path, owner: .init(electionId: manifest.electionId, manifestHash: manifestHash, deviceId: "mobile-hills"))
        lastUpload = opens
    }

    func collect(_ ballot: EncryptedBallot, hash: Digest, at time: Date) throws {
        try outbox.add(ballotHash: hash, ballot: try RecordCoding.encode(ballot), at: time)
        collected += 1
    }

    /// Whether the team reaches a network by `time`.
    func due(at time: Date) -> Bool { time.timeIntervalSince(lastUpload) >= Self.uploadEvery }

    /// The ballots waiting, decoded, for an upload at `time`.
    func startUpload(at time: Date) throws -> [(Outbox.Item, EncryptedBallot)] {
        lastUpload = time
        let waiting = try outbox.items(.pending)
        if !waiting.isEmpty { uploads += 1 }
        return try waiting.map { ($0, try RecordCoding.decode(EncryptedBallot.self, from: $0.ballot)) }
    }
}
