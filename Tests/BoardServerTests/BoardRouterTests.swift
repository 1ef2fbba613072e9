import BoardAPI
import BoardService
import BoardStorage
import ElectionRecord
import Foundation
import Hummingbird
import HummingbirdTesting
import Ristretto
import Testing
import TransparencyLog

@testable import BoardServer
@testable import ElectionProtocol

@Suite("Board HTTP API through the router")
struct BoardRouterTests {
    static func json(_ value: some Encodable) throws -> ByteBuffer { ByteBuffer(bytes: try RecordCoding.encode(value)) }
    static func auth(_ token: String) -> HTTPFields { [.contentType: "application/json", .authorization: "Bearer \(token)"] }
    static func code(_ r: TestResponse) throws -> String { try RecordCoding.decode(BoardError.self, from: Array(buffer: r.body)).code }

    /// A board service on a fresh SQLite file in a temporary folder; `cleanup` removes the folder.
    static func freshService(
        _ name: String, key: Ed25519.SigningKey = Ed25519.SigningKey(), clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> (service: BoardService, cleanup: @Sendable () -> Void) {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let service = BoardService(
            store: try SQLiteBoardStore(path: dir.appendingPathComponent("b.sqlite").path), boardKey: key, clock: clock)
        return (service, { try? FileManager.default.removeItem(at: dir) })
    }

    /// A yes/no remote referendum with one trustee and one precinct "p", open from an hour ago to an hour from now.
    static func remoteReferendum(_ id: String, trustee: Trustee, authority: CredentialAuthority, boardKey: Ed25519.SigningKey) -> Manifest {
        let now = Date()
        return Manifest(
            electionId: id, title: "HTTP",
            questions: [Question(id: "ref", text: "?", options: ["yes", "no"], minSelections: 1, maxSelections: 1)],
            regions: [Region(id: "r", name: "R", precincts: [Precinct(id: "p", name: "P", questions: ["ref"])])], channels: [.remote],
            window: VotingWindow(opens: now.addingTimeInterval(-3600), closes: now.addingTimeInterval(3600)),
            trustees: [
                TrusteeDescriptor(id: "t1", index: 1, signingKey: trustee.signingKey.publicKey, exchangeKey: trustee.exchangeKey.publicKey)
            ],
            threshold: 1, credentialAuthority: authority.signingKey.publicKey, devices: [], boardKey: boardKey.publicKey)
    }

    /// An open remote referendum set up on `service` (one trustee, `voters` credentials in precinct
    /// "p"): what a test needs to cast, spoil and revoke on it.
    struct OpenReferendum {
        var manifest: Manifest
        var manifestHash: Digest
        var context: ElectionContext
        var authority: CredentialAuthority
        var issued: [CredentialAuthority.Issued]
        var trustee: Trustee
        var commitment: TrusteeCommitment

        /// After the window: close, tally, the one trustee's decryption and the result, on `service`.
        func decide(on service: BoardService) async throws -> ElectionResult {
            let id = manifest.electionId
            _ = try await service.close(id)
            func state() async throws -> RecordState {
                let e = try await service.export(id)
                return try RecordState(LoadedRecord.parse(manifestBytes: e.manifest, log: Array(e.log.map { $0 + [10] }.joined())))
            }
            let tally = try Tallier.tally(try await state(), workers: 2)
            _ = try await service.publish(id, .tally(tally))
            guard
                case .accepted(let secret) = try trustee.receiveShares(
                    manifest: manifest, manifestHash: manifestHash, commitments: [commitment])
            else { throw CeremonyError.missingCommitment(trustee: 1) }
            _ = try await service.publish(id, .decryptionShares(try trustee.decrypt(tally: tally, secretShare: secret, context: context)))
            let (result, _) = try Tallier.combine(try await state(), context: context, workers: 2)
            _ = try await service.publish(id, .result(result))
            return result
        }
    }

    static func openReferendum(
        _ id: String, on service: BoardService, boardKey: Ed25519.SigningKey, voters: Int, configure: (inout Manifest) -> Void = { _ in }
    ) async throws -> OpenReferendum {
        let trustee = Trustee(id: "t1")
        let authority = CredentialAuthority(signingKey: Ed25519.SigningKey())
        var manifest = remoteReferendum(id, trustee: trustee, authority: authority, boardKey: boardKey)
        configure(&manifest)
        let bytes = try RecordCoding.encode(manifest, pretty: true)
        let hash = ProtocolHashes.manifestHash(bytes)
        _ = try await service.createElection(manifestBytes: bytes)
        let commitment = try trustee.commit(manifest: manifest, manifestHash: hash)
        _ = try await service.publish(id, .trusteeCommitment(commitment))
        let context = ElectionContext(manifest: manifest, manifestHash: hash, commitments: [commitment.commitments])
        _ = try await service.publish(
            id,
            .keyCeremony(
                KeyCeremonyResult(jointKey: context.jointKey, verificationKeys: context.verificationKeys, contextHash: context.contextHash))
        )
        let (lists, issued) = authority.issue(
            roll: VoterRoll(voters: (0..<voters).map { .init(id: "v\($0)", precinct: "p") }), manifest: manifest, manifestHash: hash)
        _ = try await service.publish(id, .credentialList(lists[0]))
        return OpenReferendum(
            manifest: manifest, manifestHash: hash, context: context, authority: authority, issued: issued, trustee: trustee,
            commitment: commitment)
    }

    @Test("Create, set up, cast with receipt, hostile requests refused with codes and nothing stored")
    func api() async throws {
        let boardKey = Ed25519.SigningKey()
        let (service, cleanup) = try Self.freshService("http", key: boardKey)
        defer { cleanup() }
        var settings = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "operator-secret")
        settings.bodyLimit = 64 * 1024
        let config = settings
        let app = buildApplication(service: service, configuration: config)

        let trustee = Trustee(id: "t1")
        let authority = CredentialAuthority(signingKey: Ed25519.SigningKey())
        let manifest = Self.remoteReferendum("http-test", trustee: trustee, authority: authority, boardKey: boardKey)
        let manifestBytes = try RecordCoding.encode(manifest, pretty: true)
        let hash = ProtocolHashes.manifestHash(manifestBytes)
        let jsonType: HTTPFields = [.contentType: "application/json"]

        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/openapi.yaml", method: .get) { r in
                #expect(String(buffer: r.body).hasPrefix("openapi: 3"))
            }
            // Creating needs the operator token.
            try await client.execute(uri: "/elections", method: .post, headers: jsonType, body: ByteBuffer(bytes: manifestBytes)) { r in
                #expect(r.status == .unauthorized)
                let got = try Self.code(r)

                #expect(got == "unauthorized")
            }
            let created = try await client.execute(
                uri: "/elections", method: .post, headers: Self.auth("operator-secret"), body: ByteBuffer(bytes: manifestBytes)
            ) { r in
                #expect(r.status == .created)
                return try RecordCoding.decode(ElectionCreated.self, from: Array(buffer: r.body))
            }
            #expect(created.adminToken == config.adminToken("http-test"))
            try await client.execute(uri: "/elections/http-test/manifest", method: .get) {
                #expect(Array(buffer: $0.body) == manifestBytes)
            }

            // Trustee commits with its token; the ceremony result and credentials with the admin token.
            let commitment = try trustee.commit(manifest: manifest, manifestHash: hash)
            try await client.execute(
                uri: "/elections/http-test/entries", method: .post, headers: Self.auth(created.adminToken + "x"),
                body: try Self.json(EntryPayload.trusteeCommitment(commitment))
            ) {
                let got = try Self.code($0)

                #expect(got == "unauthorized")
            }
            try await client.execute(
                uri: "/elections/http-test/entries", method: .post, headers: Self.auth(created.trusteeTokens["1"]!),
                body: try Self.json(EntryPayload.trusteeCommitment(commitment))
            ) {
                #expect($0.status == .created)
            }
            guard case .accepted(let share) = try trustee.receiveShares(manifest: manifest, manifestHash: hash, commitments: [commitment])
            else { return }
            _ = share
            let context = ElectionContext(manifest: manifest, manifestHash: hash, commitments: [commitment.commitments])
            let ceremony = EntryPayload.keyCeremony(
                KeyCeremonyResult(jointKey: context.jointKey, verificationKeys: context.verificationKeys, contextHash: context.contextHash))
            try await client.execute(
                uri: "/elections/http-test/entries", method: .post, headers: Self.auth(created.adminToken), body: try Self.json(ceremony)
            ) { #expect($0.status == .created) }
            let (lists, issued) = authority.issue(
                roll: VoterRoll(voters: [.init(id: "v", precinct: "p")]), manifest: manifest, manifestHash: hash)
            try await client.execute(
                uri: "/elections/http-test/entries", method: .post, headers: Self.auth(created.adminToken),
                body: try Self.json(EntryPayload.credentialList(lists[0]))
            ) { #expect($0.status == .created) }

            // The booth's view of a credential: its precinct's ballot and the public values, or a typed refusal.
            let credentialHex = issued[0].credential.publicKey.hex
            try await client.execute(uri: "/elections/http-test/booth?credential=\(credentialHex)", method: .get) { r in
                #expect(r.status == .ok)
                let got = try RecordCoding.decodeStrict(BoothBallot.self, from: Array(buffer: r.body))
                #expect(got.electionId == "http-test" && got.precinct == "p" && got.precinctName == "P")
                #expect(got.questions == [BoothBallot.QuestionStyle(manifest.questions[0])])
                #expect(abs(got.closes.timeIntervalSince(manifest.window.closes)) < 1)
                #expect(got.questions.map(\.id) == ["ref"] && got.jointKey == context.jointKey && got.contextHash == context.contextHash)
                #expect(got.boardKey == boardKey.publicKey)
            }
            for (query, status, code) in [
                ("credential=\(Element.random().hex)", HTTPResponse.Status.unprocessableContent, "invalidCredential"),
                ("credential=\(credentialHex.uppercased())", .badRequest, "malformed"),
                ("credential=\(String(repeating: "0", count: 64))", .badRequest, "malformed"),
                ("", .badRequest, "malformed"),
            ] {
                try await client.execute(uri: "/elections/http-test/booth?\(query)", method: .get) { r in
                    #expect(r.status == status, "\(query)")
                    let got = try Self.code(r)
                    #expect(got == code, "\(query)")
                }
            }
            try await client.execute(uri: "/elections/nowhere/booth?credential=\(credentialHex)", method: .get) { r in
                let got = try Self.code(r)
                #expect(got == "unknownElection")
            }

            // A ballot: receipt verifies; the same ballot again gives the same receipt index.
            let ballot = try BallotEncryptor(context: context).encrypt(
                precinct: "p", channel: .remote, credential: issued[0].credential, choices: ["ref": [0]]
            ).ballot
            let receipt = try await client.execute(
                uri: "/elections/http-test/ballots", method: .post, headers: jsonType, body: try Self.json(ballot)
            ) { r in
                #expect(r.status == .ok)
                return try RecordCoding.decode(BoardReceipt.self, from: Array(buffer: r.body))
            }
            #expect(
                receipt.problem(
                    boardKey: boardKey.publicKey, ballotHash: ballot.hash(contextHash: context.contextHash),
                    contextHash: context.contextHash)
                    == nil)
            try await client.execute(uri: "/elections/http-test/ballots", method: .post, headers: jsonType, body: try Self.json(ballot)) {
                r in
                let got = try RecordCoding.decode(BoardReceipt.self, from: Array(buffer: r.body)).index

                #expect(got == receipt.index)
            }
            let sizeBefore = try await client.execute(uri: "/elections/http-test/tree-head", method: .get) {
                try RecordCoding.decode(SignedTreeHead.self, from: Array(buffer: $0.body)).size
            }

            // Hostile requests: each gets its status and code, none changes the log.
            var badPoint = try RecordCoding.encode(ballot)
            let cred = Array(ballot.credential.hex.utf8)
            if let at = badPoint.firstRange(of: cred) { badPoint.replaceSubrange(at, with: Array(String(repeating: "f", count: 64).utf8)) }
            let ballotBytes = try RecordCoding.encode(ballot)
            let duplicated = Array(
                String(decoding: ballotBytes, as: UTF8.self).replacingOccurrences(
                    of: "\"credential\":", with: "\"credential\":\"\(Element.random().hex)\",\"credential\":"
                ).utf8)
            let cases: [(String, HTTPFields, ByteBuffer, HTTPResponse.Status, String)] = [
                ("/elections/http-test/ballots", jsonType, ByteBuffer(string: "{\"electionId\": "), .badRequest, "malformed"),
                (
                    "/elections/http-test/ballots", [.contentType: "text/plain"], try Self.json(ballot), .unsupportedMediaType,
                    "unsupportedMediaType"
                ),
                (
                    "/elections/http-test/ballots", jsonType, ByteBuffer(repeating: UInt8(ascii: " "), count: 70 * 1024), .contentTooLarge,
                    "bodyTooLarge"
                ),
                ("/elections/http-test/ballots", jsonType, ByteBuffer(bytes: badPoint), .badRequest, "malformed"),
                // Two credentials in one ballot (readers disagree on which counts), an unknown field: check 1.1.
                ("/elections/http-test/ballots", jsonType, ByteBuffer(bytes: duplicated), .badRequest, "malformed"),
                (
                    "/elections/http-test/ballots", jsonType, ByteBuffer(bytes: Array("{\"note\":1,".utf8) + ballotBytes.dropFirst()),
                    .badRequest, "malformed"
                ),
                ("/elections/other/ballots", jsonType, try Self.json(ballot), .notFound, "unknownElection"),
                ("/elections/http-test/close", jsonType, ByteBuffer(), .unauthorized, "unauthorized"),
            ]
            for (uri, headers, body, status, expected) in cases {
                try await client.execute(uri: uri, method: .post, headers: headers, body: body) { r in
                    #expect(r.status == status, "\(uri) \(expected)")
                    let got = try Self.code(r)

                    #expect(got == expected)
                }
            }
            var forged = ballot
            forged.signature.response += .one
            try await client.execute(uri: "/elections/http-test/ballots", method: .post, headers: jsonType, body: try Self.json(forged)) {
                r in
                #expect(r.status == .unprocessableContent)
                let got = try Self.code(r)

                #expect(got == "invalidSignature")
            }
            try await client.execute(uri: "/elections/http-test/close", method: .post, headers: Self.auth(created.adminToken)) { r in
                #expect(r.status == .conflict)
                let got = try Self.code(r)

                #expect(got == "windowOpen")
            }
            let sizeAfter = try await client.execute(uri: "/elections/http-test/tree-head", method: .get) {
                try RecordCoding.decode(SignedTreeHead.self, from: Array(buffer: $0.body)).size
            }
            #expect(sizeAfter == sizeBefore, "refused requests stored nothing")

            // Entries and a consistency proof.
            try await client.execute(uri: "/elections/http-test/entries?start=0&end=\(sizeAfter)", method: .get) { r in
                let got = try RecordCoding.decode(EntriesResponse.self, from: Array(buffer: r.body)).entries.count

                #expect(got == sizeAfter)
            }
            try await client.execute(uri: "/elections/http-test/consistency?from=\(receipt.treeHead.size)&to=\(sizeAfter)", method: .get) {
                #expect($0.status == .ok)
            }
            // Metrics: ballots accepted and refused by reason, requests by route and status.
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(text.contains("plebiscite_ballots_accepted_total 2"))
                #expect(text.contains("plebiscite_ballots_rejected_total{reason=\"invalidSignature\"} 1"))
                #expect(text.contains("plebiscite_ballots_rejected_total{reason=\"malformed\"} 4"))
                #expect(text.contains("route=\"/elections/{id}/ballots\",status=\"200\"} 2"))
                #expect(text.contains("plebiscite_request_duration_seconds_count"))
                #expect(!text.contains(created.adminToken))
            }
            try await client.execute(uri: "/elections/http-test/consistency?from=9&to=2", method: .get) { r in
                let got = try Self.code(r)
                #expect(got == "malformed")
            }
        }
    }

    @Test("Live, over a real socket: health, OpenAPI, typed errors, body limit")
    func live() async throws {
        let (service, cleanup) = try Self.freshService("live")
        defer { cleanup() }
        var settings = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "op")
        settings.port = 0
        settings.bodyLimit = 4096
        let app = buildApplication(service: service, configuration: settings)
        try await app.test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/openapi.yaml", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(text.contains("/elections/{id}/ballots"))
            }
            try await client.execute(uri: "/elections/none/tree-head", method: .get) { r in
                #expect(r.status == .notFound)
                let got = try Self.code(r)
                #expect(got == "unknownElection")
            }
            try await client.execute(
                uri: "/elections", method: .post, headers: Self.auth("op"), body: ByteBuffer(repeating: 32, count: 10_000)
            ) { r in
                #expect(r.status == .contentTooLarge)
            }
            try await client.execute(
                uri: "/elections", method: .post, headers: Self.auth("op"), body: ByteBuffer(string: "{\"version\": 2}")
            ) { r in
                #expect(r.status == .badRequest)
                let got = try Self.code(r)
                #expect(got == "malformed")
            }
        }
    }

    @Test("Per-client rate limit: past the burst, requests get 429 rateLimited")
    func rateLimit() async throws {
        let (service, cleanup) = try Self.freshService("rate")
        defer { cleanup() }
        var settings = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "op")
        settings.rateLimit = (burst: 3, perSecond: 0.001)
        let app = buildApplication(service: service, configuration: settings)
        try await app.test(.router) { client in
            for _ in 0..<3 { try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) } }
            try await client.execute(uri: "/health", method: .get) { r in
                #expect(r.status == .tooManyRequests)
                let got = try Self.code(r)
                #expect(got == "rateLimited")
            }
        }
        let limiter = RateLimiterProbe.make()
        #expect(limiter)
    }
}

/// The limiter refills with time and keeps clients apart.
enum RateLimiterProbe {
    static func make() -> Bool {
        let l = RateLimiter(burst: 2, perSecond: 1)
        let a1 = l.allow("a", now: 0), a2 = l.allow("a", now: 0), a3 = l.allow("a", now: 0)
        let b1 = l.allow("b", now: 0)
        let a4 = l.allow("a", now: 1.01)
        return a1 && a2 && !a3 && b1 && a4
    }
}
