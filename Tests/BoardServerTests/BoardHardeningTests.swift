import BoardAPI
import BoardService
import BoardStorage
import BoardTestSupport
import ElectionRecord
import ElectionRules
import Foundation
import Hummingbird
import HummingbirdTesting
import Ristretto
import Testing

@testable import BoardServer
@testable import ElectionProtocol

/// What a hostile or careless client meets: every answer is a JSON error with a documented code,
/// tokens are checked before bodies are read, and slow connections are closed.
@Suite("Board hardening")
struct BoardHardeningTests {
    static func manifest(id: String, boardKey: Ed25519.SigningKey, trustees: [Trustee]) throws -> [UInt8] {
        let now = Date()
        let m = Manifest(
            electionId: id, title: "Hardening",
            questions: [Question(id: "ref", text: "?", options: ["yes", "no"], minSelections: 1, maxSelections: 1)],
            regions: [Region(id: "r", name: "R", precincts: [Precinct(id: "p", name: "P", questions: ["ref"])])], channels: [.remote],
            window: VotingWindow(opens: now.addingTimeInterval(-3600), closes: now.addingTimeInterval(3600)),
            trustees: trustees.enumerated().map {
                TrusteeDescriptor(id: $1.id, index: $0 + 1, signingKey: $1.signingKey.publicKey, exchangeKey: $1.exchangeKey.publicKey)
            },
            threshold: 1, credentialAuthority: Ed25519.SigningKey().publicKey, devices: [], boardKey: boardKey.publicKey)
        return try RecordCoding.encode(m, pretty: true)
    }

    static func code(_ r: TestResponse) -> String? { try? RecordCoding.decode(BoardError.self, from: Array(buffer: r.body)).code }

    @Test("Unknown routes and methods, content types, bearer schemes, election ids, tokens before bodies")
    func requests() async throws {
        let boardKey = Ed25519.SigningKey()
        let (service, cleanup) = try BoardRouterTests.freshService("hardening", key: boardKey)
        defer { cleanup() }
        let config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "op")
        let app = buildApplication(service: service, configuration: config)
        let trustees = [Trustee(id: "t1"), Trustee(id: "t2")]
        let bytes = try Self.manifest(id: "hardening", boardKey: boardKey, trustees: trustees)

        try await app.test(.router) { client in
            func expect(
                _ uri: String, _ method: HTTPRequest.Method, _ headers: HTTPFields = [:], _ body: [UInt8] = [],
                _ status: HTTPResponse.Status,
                _ code: String?, _ what: String
            ) async throws {
                try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: body)) { r in
                    #expect(r.status == status, "\(what): \(r.status)")
                    if let code { #expect(Self.code(r) == code, "\(what): \(String(buffer: r.body))") }
                }
            }
            // Every code is documented in the OpenAPI file.
            try await client.execute(uri: "/openapi.yaml", method: .get) { r in
                let text = String(buffer: r.body)
                for code in BoardErrorCode.allCases { #expect(text.contains(code.rawValue), "\(code) is not in openapi.yaml") }
            }
            // The bearer scheme in any case; a media type with a charset parameter.
            try await expect(
                "/elections", .post, [.contentType: "application/json; charset=utf-8", .authorization: "bearer op"], bytes, .created, nil,
                "lowercase bearer")
            try await expect("/nowhere", .get, [:], [], .notFound, "notFound", "an unknown route")
            try await expect("/elections/hardening/manifest/extra", .get, [:], [], .notFound, "notFound", "a longer path")
            try await client.execute(uri: "/elections/hardening/ballots", method: .get) { r in
                #expect(r.status == .methodNotAllowed)
                #expect(Self.code(r) == "methodNotAllowed")
                #expect(r.headers[.allow] == "POST")
            }
            try await expect("/health", .delete, [:], [], .methodNotAllowed, "methodNotAllowed", "DELETE /health")
            // Content types: only JSON, exactly.
            for type in ["application/jsonx", "application/json-patch+json", "text/json", "application/json; charset=latin1", "text/plain"]
            {
                try await expect(
                    "/elections/hardening/ballots", .post, [.contentType: type], Array("{}".utf8), .unsupportedMediaType,
                    "unsupportedMediaType", type)
            }
            try await expect(
                "/elections/hardening/ballots", .post, [.contentType: "Application/JSON"], Array("{}".utf8), .badRequest, "malformed",
                "the media type in any case")
            // Election ids: the grammar, for a manifest and in a path.
            for bad in ["Hardening", "a/b", "a b", "a\u{0}b", "-lead", String(repeating: "x", count: 65), "", "élection"] {
                let other = try Self.manifest(id: bad, boardKey: boardKey, trustees: trustees)
                try await expect(
                    "/elections", .post, [.contentType: "application/json", .authorization: "Bearer op"], other, .unprocessableContent,
                    "invalidEntry", "election id \(bad.debugDescription)")
            }
            try await expect("/elections/NOPE%2F1/manifest", .get, [:], [], .notFound, "unknownElection", "an id outside the grammar")
            // Tokens before bodies: without a token, a body too large or malformed is not even read.
            let huge = [UInt8](repeating: UInt8(ascii: "x"), count: 2 << 20)
            try await expect(
                "/elections/hardening/entries", .post, [.contentType: "application/json"], huge, .unauthorized, "unauthorized",
                "no token, a huge body")
            try await expect(
                "/elections/hardening/entries", .post, [.contentType: "application/json", .authorization: "Bearer nope"], Array("{".utf8),
                .unauthorized, "unauthorized", "a wrong token, a broken body")
            try await expect("/elections/hardening/close", .post, [.authorization: "Basic op"], [], .unauthorized, "unauthorized", "Basic")
            // A trustee's token publishes only that trustee's entries.
            let manifestHash = ProtocolHashes.manifestHash(bytes)
            let commitment = try trustees[0].commit(
                manifest: try RecordCoding.decode(Manifest.self, from: bytes), manifestHash: manifestHash)
            let entry = try RecordCoding.encode(EntryPayload.trusteeCommitment(commitment))
            try await expect(
                "/elections/hardening/entries", .post,
                [.contentType: "application/json", .authorization: "Bearer \(config.trusteeToken("hardening", index: 2))"], entry,
                .forbidden,
                "forbidden", "trustee 2 posting trustee 1's commitment")
            try await expect(
                "/elections/hardening/entries", .post,
                [.contentType: "application/json", .authorization: "Bearer \(config.trusteeToken("hardening", index: 1))"], entry, .created,
                nil, "trustee 1 posting its own")
        }
    }

    /// A raw TCP connection to the live server.
    final class RawConnection: @unchecked Sendable {
        let fd: Int32

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(fd) }

        func send(_ text: String) { _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }

        /// Everything the server sends until it closes the connection, and how long that took;
        /// nil if it stays open past the receive timeout (10 s).
        func readUntilClosed() -> (String, TimeInterval)? {
            let start = Date()
            var received = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n == 0 { return (String(decoding: received, as: UTF8.self), Date().timeIntervalSince(start)) }
                if n < 0 { return errno == EAGAIN || errno == EWOULDBLOCK ? nil : (String(decoding: received, as: UTF8.self), 0) }
                received += buffer[0..<n]
            }
        }
    }

    @Test("Live: a connection that sends nothing, half a header or half a body is closed after a bounded time")
    func slowClients() async throws {
        let (service, cleanup) = try BoardRouterTests.freshService("slow")
        defer { cleanup() }
        var config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "op")
        config.port = 0
        config.idleTimeout = .seconds(1)
        config.bodyTimeout = .seconds(1)
        config.rateLimit = nil
        let board = try await RunningBoard.start(service: service, configuration: config)
        defer { Task { await board.stop() } }

        let silent = try RawConnection(port: board.port)
        let halfHeader = try RawConnection(port: board.port)
        halfHeader.send("POST /elections/x/ballots HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
        let halfBody = try RawConnection(port: board.port)
        halfBody.send(
            "POST /elections/x/ballots HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":"
        )
        for (name, connection) in [("silent", silent), ("half a header", halfHeader), ("half a body", halfBody)] {
            let closed = try await offThePool { connection.readUntilClosed() }
            #expect(closed != nil, "\(name): still open after 10 s")
            if let (text, seconds) = closed {
                #expect(seconds < 8, "\(name): closed after \(seconds) s")
                if name == "half a body" { #expect(text.isEmpty || text.contains("408"), "\(name): \(text.prefix(200))") }
            }
        }
        // A prompt client is still served.
        let prompt = try RawConnection(port: board.port)
        prompt.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let answer = try await offThePool { prompt.readUntilClosed() }
        #expect(answer?.0.contains("200 OK") == true)
    }

    @Test("Every refusal code of the acceptance rules is a board error code of the same name, answered as a client error")
    func everyRefusalHasItsBoardCode() throws {
        for refusal in RefusalCode.allCases {
            let code = try #require(BoardErrorCode(rawValue: refusal.rawValue), "\(refusal) has no board error code")
            #expect(BoardErrorCode(refusal) == code)
            #expect((400..<500).contains(code.httpStatus.code), "\(refusal) answered with \(code.httpStatus)")
        }
    }

    @Test("A port the tests hand a server is one the kernel never gives a socket bound to port 0, so a restart finds it free")
    func freePortOutsideEphemeralRange() throws {
        let ephemeral = ChildProcess.ephemeralPorts
        let ports = (0..<50).map { _ in ChildProcess.freePort() }
        #expect(ports.allSatisfy { $0 >= 1024 && $0 < ephemeral.lowerBound }, "\(ports) against \(ephemeral)")
        // What the kernel picks for port 0 (servers of other tests, outgoing connections) lies in
        // the ephemeral range, never on a port handed out.
        let picked = (0..<200).compactMap { _ in ChildProcess.bindablePort(0) }
        #expect(picked.count == 200 && picked.allSatisfy { ephemeral.contains($0) })
        #expect(Set(picked).isDisjoint(with: ports))
    }

    @Test("The tests' ChildProcess passes a child only standard input, output and error, even descriptors opened without close-on-exec")
    func childGetsNoDescriptors() throws {
        let fd = open("/proc/self/exe", O_RDONLY)
        #expect(fd > 3)
        defer { close(fd) }
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC == 0)
        let listed = try ChildProcess.run(["/bin/ls", "/proc/self/fd"]).split(separator: "\n").compactMap { Int32($0) }
        // ls itself holds 0-2 and the directory it reads (3).
        #expect(listed.contains(0) && listed.contains(2))
        #expect(listed.allSatisfy { $0 <= 3 }, "the child got \(listed)")
    }

    @Test(
        "The cause of 'I/O on closed channel': the live test client reuses a connection the board closed when idle; the pages' tests keep theirs open"
    )
    func idleCloseUnderTestClient() async throws {
        let (service, cleanup) = try BoardRouterTests.freshService("idle-close")
        defer { cleanup() }
        var config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "op")
        config.port = 0
        // Long enough that the client's first request, sent right after it connects, always comes in
        // time, even on a loaded machine (one run under five CPU hogs missed 1 s); short enough to wait for.
        config.idleTimeout = .seconds(10)
        try await buildApplication(service: service, configuration: config).test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            // A pause longer than the idle timeout: what a stalled test process (its cooperative
            // threads blocked) does between two requests. It ends when the board closes a second
            // connection made idle after the client's (the event), so the client's is closed too.
            let port = try #require(client.port)
            let later = try RawConnection(port: port)
            later.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let closed = try await offThePool { later.readUntilClosed() }
            #expect(closed?.0.contains("200 OK") == true, "the board closes an idle connection")
            await #expect(throws: (any Error).self) {
                try await client.execute(uri: "/health", method: .get) { _ in }
            }
        }
        // The browser tests' boards: an idle timeout no stall reaches.
        #expect(try BoothPageTests.configuration(booth: "/nonexistent", requireBooth: false).idleTimeout >= .seconds(600))
    }
}
