import BoardAPI
import BoardClient
import BoardServer
import BoardService
import BoardStorage
import BoardTestSupport
import DeviceOutbox
import ElectionProtocol
import ElectionRecord
import ElectionVerifier
import Foundation
import Logging
import Ristretto
import Testing

@testable import PlebisciteCLI

/// A mobile device collects ballots with no network and uploads them later: every ballot of the
/// outbox ends on the board exactly once, or with its typed refusal kept in the outbox, whoever
/// dies mid-upload.
@Suite("Offline mobile devices: collect, then upload through kills")
struct OfflineDeviceTests {
    let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-device-\(UUID().uuidString)").path

    /// SIGKILLs `process` from a thread of its own as soon as `condition` holds (polled every
    /// 2 ms), or when the process ends by itself; returns once it is gone.
    static func kill(_ process: ChildProcess, once condition: @escaping @Sendable () -> Bool) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                while !condition() && !process.hasEnded { usleep(2_000) }
                process.kill(SIGKILL)
                _ = process.wait()
                done.resume()
            }
        }
    }

    @Test("Kill the uploader, then the board, mid-upload: each ballot lands once; refusals are kept in the outbox")
    func uploadThroughKills() async throws {
        let passphrase = try CLIRunner.workspace(dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(FileManager.default.isExecutableFile(atPath: BoardCrashTests.executable), "build plebiscite first (swift build)")
        try await CLIRunner.run(["device", "init", "--id", "mob1", "--channel", "mobile", "--out", "\(dir)/dev"] + passphrase)
        let deviceKey = try BallotInput.deviceKey(
            "\(dir)/dev/mob1.key.json", passphrase: try PassphraseOptions.parse(passphrase))

        let port = ChildProcess.freePort()
        var (server, operatorToken) = try await BoardCrashTests.serve(in: dir, run: 1, port: port, passphrase: passphrase)
        defer { server.kill(SIGKILL) }
        let url = "http://127.0.0.1:\(port)"
        let client = BoardClient(board: url, timeout: .seconds(20))
        let boardKey = try await client.info().boardKey

        // An election with one mobile device and 130 voters, open for an hour.
        let trustee = Trustee(id: "t1"), authority = CredentialAuthority(signingKey: Ed25519.SigningKey())
        let q = Question(id: "q", text: "Yes or no?", options: ["yes", "no"], minSelections: 1, maxSelections: 1)
        let opens = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 60)
        let manifest = Manifest(
            electionId: "offline", title: "Offline", questions: [q],
            regions: [Region(id: "r", name: "R", precincts: [Precinct(id: "p1", name: "P1", questions: ["q"])])], channels: [.mobile],
            window: VotingWindow(opens: opens, closes: opens.addingTimeInterval(3_600)),
            trustees: [
                TrusteeDescriptor(id: "t1", index: 1, signingKey: trustee.signingKey.publicKey, exchangeKey: trustee.exchangeKey.publicKey)
            ],
            threshold: 1, credentialAuthority: authority.signingKey.publicKey,
            devices: [DeviceDescriptor(id: "mob1", channel: .mobile, signingKey: deviceKey.key.publicKey)], boardKey: boardKey,
            minimumCell: 1)
        let bytes = try RecordCoding.encode(manifest, pretty: true)
        let hash = ProtocolHashes.manifestHash(bytes)
        let commitment = try trustee.commit(manifest: manifest, manifestHash: hash)
        let context = ElectionContext(manifest: manifest, manifestHash: hash, commitments: [commitment.commitments])
        let (lists, issued) = authority.issue(
            roll: VoterRoll(voters: (0..<130).map { .init(id: "v\($0)", precinct: "p1") }), manifest: manifest, manifestHash: hash)

        let created = try await client.createElection(manifestBytes: bytes, operatorToken: operatorToken)
        for p in [EntryPayload.trusteeCommitment(commitment)]
            + [
                .keyCeremony(
                    KeyCeremonyResult(
                        jointKey: context.jointKey, verificationKeys: context.verificationKeys, contextHash: context.contextHash))
            ] + lists.map({ .credentialList($0) })
        {
            _ = try await client.publish("offline", p, token: created.adminToken)
        }
        let setupSize = 4
        // The device takes a copy of the record before it leaves.
        try await CLIRunner.run(["export", "\(url)/elections/offline", "--out", "\(dir)/copy"])

        // Two voters at the door through the command (one scans the letter's link), the rest as the device would.
        let outbox = "\(dir)/outbox.sqlite"
        for (i, credential) in [issued[0].credential.text, "https://vote.example/elections/offline/vote#c=\(issued[1].credential.text)"]
            .enumerated()
        {
            try await CLIRunner.run(
                [
                    "device", "collect", "--record", "\(dir)/copy", "--device-key", "\(dir)/dev/mob1.key.json", "--outbox", outbox,
                    "--credential", credential, "--precinct", "p1", "--answer", "q=\(i % 2 == 0 ? "yes" : "no")", "--slip-out",
                    "\(dir)/slip\(i).txt",
                ] + passphrase)
        }
        let slip = try String(contentsOfFile: "\(dir)/slip0.txt", encoding: .utf8)
        let box = try Outbox(path: outbox, owner: .init(electionId: "offline", manifestHash: hash, deviceId: "mob1"))
        #expect(slip.contains(try box.items()[0].trackingCode))
        let encryptor = BallotEncryptor(context: context)
        for v in 2..<120 {
            let (b, _) = try encryptor.encrypt(
                precinct: "p1", channel: .mobile, credential: issued[v].credential, device: ("mob1", deviceKey.key),
                choices: ["q": [v % 3 == 0 ? 1 : 0]])
            try box.add(ballotHash: b.hash(contextHash: context.contextHash), ballot: try RecordCoding.encode(b), at: Date())
        }
        // A wrong credential is refused at the door: nothing enters the outbox.
        #expect(
            await CLIRunner.refusal(
                [
                    "device", "collect", "--record", "\(dir)/copy", "--device-key", "\(dir)/dev/mob1.key.json", "--outbox", outbox,
                    "--credential", VoterCredential.generate(electionId: "offline").text, "--precinct", "p1", "--answer", "q=yes",
                ] + passphrase)?.contains("on no credential list") == true)
        #expect(try box.counts() == [.pending: 120])

        // 1. The uploader is killed once its outbox holds 20 receipts. The watch runs on a thread of
        // its own, so a test process busy with other suites cannot make it late.
        let uploader = try ChildProcess(
            [BoardCrashTests.executable, "device", "upload", "--record", "\(url)/elections/offline", "--outbox", outbox],
            outputPath: "\(dir)/upload-1.log")
        func onBoard() async throws -> Int { (try? await client.treeHead("offline").size).map { $0 - setupSize } ?? 0 }
        await Self.kill(uploader, once: { ((try? box.counts()[.cast]) ?? 0) >= 20 })
        let afterKill = try await onBoard()
        #expect(afterKill >= 20 && afterKill < 120, "the uploader was killed mid-upload (it had sent \(afterKill))")

        // 2. Upload again in this process; the board is killed once 30 more receipts are kept.
        let castBefore = try box.counts()[.cast] ?? 0
        let args = ["device", "upload", "--record", "\(url)/elections/offline", "--outbox", outbox, "--timeout", "2"]
        let second = Task { await CLIRunner.refusal(args) }
        await Self.kill(server, once: { ((try? box.counts()[.cast]) ?? 0) >= castBefore + 30 })
        let stopped = await second.value
        #expect(stopped?.contains("still wait") == true, "the upload says ballots still wait: \(stopped ?? "finished")")
        #expect(try box.counts()[.pending] ?? 0 > 0)

        // 3. The board comes back on the same file; the upload finishes.
        (server, operatorToken) = try await BoardCrashTests.serve(in: dir, run: 2, port: port, passphrase: passphrase)
        var done = false
        for _ in 0..<300 where !done {  // a hang guard: the first upload after the restart normally finishes
            done = await CLIRunner.refusal(["device", "upload", "--record", "\(url)/elections/offline", "--outbox", outbox]) == nil
            if !done { try await Task.sleep(nanoseconds: 200_000_000) }
        }
        #expect(try box.counts() == [.cast: 120])

        // Every outbox ballot is on the board exactly once, at the index its receipt names.
        let record = try await client.record("offline").loaded
        var where_ = [Digest: [Int]]()
        for e in record.entries {
            if case .ballot(let b) = e.entry.payload { where_[b.hash(contextHash: context.contextHash), default: []].append(e.entry.seq) }
        }
        #expect(where_.count == 120 && where_.values.allSatisfy { $0.count == 1 })
        for item in try box.items() {
            #expect(where_[item.ballotHash] == [item.seq ?? -1], "ballot \(item.number) at the index of its receipt")
            let receipt = try RecordCoding.decode(BoardReceipt.self, from: item.receipt ?? [])
            #expect(receipt.ballotHash == item.ballotHash)
        }
        #expect(RecordVerifier.verify(record, workers: 2).ok)

        // 4. A ballot whose credential was revoked before its upload is refused, and the refusal is kept.
        let (b, _) = try encryptor.encrypt(
            precinct: "p1", channel: .mobile, credential: issued[120].credential, device: ("mob1", deviceKey.key), choices: ["q": [0]])
        try box.add(ballotHash: b.hash(contextHash: context.contextHash), ballot: try RecordCoding.encode(b), at: Date())
        let (revocation, _) = authority.revoke(
            issued[120].credential.publicKey, voterId: "v120", precinct: "p1", manifest: manifest, manifestHash: hash)
        _ = try await client.publish("offline", .credentialRevocation(revocation), token: created.adminToken)
        try await CLIRunner.run(["device", "upload", "--record", "\(url)/elections/offline", "--outbox", outbox])
        let refused = try box.items(.refused)
        #expect(refused.count == 1 && refused.allSatisfy { $0.refusalCode == "revokedCredential" })
        #expect(try box.counts()[.pending] == nil)

        // 5. A stored ballot that does not decode is recorded as failed, with why; the ballot after it still goes.
        let broken = try box.add(
            ballotHash: try Digest(bytes: [UInt8](repeating: 9, count: 32)), ballot: Array("{\"not\":1}".utf8), at: Date())
        let (revote, _) = try encryptor.encrypt(
            precinct: "p1", channel: .mobile, credential: issued[0].credential, device: ("mob1", deviceKey.key), choices: ["q": [1]])
        let revoteHash = revote.hash(contextHash: context.contextHash)
        try box.add(ballotHash: revoteHash, ballot: try RecordCoding.encode(revote), at: Date())
        try await CLIRunner.run(["device", "upload", "--record", "\(url)/elections/offline", "--outbox", outbox])
        let failed = try box.items(.refused).filter { $0.refusalCode == Outbox.corruptedBallot }
        #expect(failed.map(\.number) == [broken] && failed[0].refusalMessage?.contains("does not decode") == true)
        #expect(try box.items(.cast).contains { $0.ballotHash == revoteHash })
        #expect(try box.counts()[.pending] == nil)
        // Near and after the close, a device with waiting ballots says so.
        let closes = manifest.window.closes
        #expect(
            PlebisciteCommand.DeviceCommand.closeWarning(pending: 3, now: closes.addingTimeInterval(-600), closes: closes)?.contains(
                "closes in 10 min") == true)
        #expect(PlebisciteCommand.DeviceCommand.closeWarning(pending: 3, now: closes, closes: closes)?.contains("will refuse") == true)
        #expect(PlebisciteCommand.DeviceCommand.closeWarning(pending: 0, now: closes, closes: closes) == nil)
        #expect(PlebisciteCommand.DeviceCommand.closeWarning(pending: 3, now: closes.addingTimeInterval(-3 * 3_600), closes: closes) == nil)

        // Bad input: another device's or election's outbox, a corrupted one, another election on the board.
        #expect(throws: Outbox.OutboxError.otherDevice(found: "mob1", expected: "mob2")) {
            _ = try Outbox(path: outbox, owner: .init(electionId: "offline", manifestHash: hash, deviceId: "mob2"))
        }
        #expect(throws: Outbox.OutboxError.otherElection(found: "offline", expected: "other")) {
            _ = try Outbox(path: outbox, owner: .init(electionId: "other", manifestHash: hash, deviceId: "mob1"))
        }
        #expect(
            await CLIRunner.refusal(["device", "upload", "--record", "\(url)/elections/another", "--outbox", outbox])?.contains(
                "belongs to election offline") == true)
        let damaged = "\(dir)/damaged.sqlite"
        try FileManager.default.copyItem(atPath: outbox, toPath: damaged)
        var raw = try Data(contentsOf: URL(fileURLWithPath: damaged))
        for i in stride(from: 4_096, to: min(raw.count, 40_960), by: 7) { raw[i] ^= 0x5A }
        try raw.write(to: URL(fileURLWithPath: damaged))
        let message = await CLIRunner.refusal(["device", "upload", "--record", "\(url)/elections/offline", "--outbox", damaged])
        #expect(message?.contains("corrupted") == true || message?.contains("not a Plebiscite outbox") == true, "\(message ?? "accepted")")
    }
}
