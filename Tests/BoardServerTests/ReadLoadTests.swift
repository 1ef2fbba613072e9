import BoardAPI
import BoardService
import BoardTestSupport
import ElectionProtocol
import ElectionRecord
import Foundation
import Hummingbird
import HummingbirdTesting
import Ristretto
import Testing
import ZIPFoundation

@testable import BoardServer

@Suite("Reads that cannot hurt writes: record.zip built once per record, heavy reads bounded, connections capped per client")
struct ReadLoadTests {
    /// The three files of a downloaded record.zip, by name.
    static func unzip(_ bytes: [UInt8]) throws -> [String: [UInt8]] {
        let archive = try Archive(data: Data(bytes), accessMode: .read)
        var files = [String: [UInt8]]()
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            files[entry.path] = Array(data)
        }
        return files
    }

    @Test("record.zip holds exactly the exported record; the same record is served from one build, a longer one from a new build")
    func cachedArchive() async throws {
        let key = Ed25519.SigningKey()
        let (service, cleanup) = try BoardRouterTests.freshService("zip", key: key)
        defer { cleanup() }
        let open = try await BoardRouterTests.openReferendum("zip", on: service, boardKey: key, voters: 3)
        let encryptor = BallotEncryptor(context: open.context)
        @Sendable func cast(_ i: Int) async throws {
            let b = try encryptor.encrypt(
                precinct: "p", channel: .remote, credential: open.issued[i].credential, choices: ["ref": [i % 2]]
            ).ballot
            _ = try await service.cast("zip", b)
        }
        try await cast(0)
        let config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "op")
        let app = Application(router: buildRouter(service: service, configuration: config))
        try await app.test(.router) { client in
            func download() async throws -> (size: String?, bytes: [UInt8]) {
                try await client.execute(uri: "/elections/zip/record.zip", method: .get) { r in
                    #expect(r.status == .ok)
                    return (r.headers[recordSizeField], Array(buffer: r.body))
                }
            }
            let first = try await download()
            let again = try await download()
            let exported = try await service.export("zip")
            #expect(first.size == "\(exported.log.count)")
            // One build: byte for byte the same file (a rebuild would carry other timestamps).
            #expect(again.bytes == first.bytes)
            let files = try Self.unzip(first.bytes)
            let expected = RecordFiles(manifestBytes: exported.manifest, lines: exported.log, treeHeads: exported.heads)
            #expect(files["zip/manifest.json"] == expected.manifestBytes)
            #expect(files["zip/log.jsonl"] == expected.log)
            #expect(files["zip/treeheads.jsonl"] == expected.treeHeadsBytes)
            #expect(exported.heads.last?.size == exported.log.count, "a zip taken while voting ends under a head the board signed")

            try await cast(1)
            let longer = try await download()
            #expect(longer.size == "\(exported.log.count + 1)")
            let log = try #require(try Self.unzip(longer.bytes)["zip/log.jsonl"])
            #expect(log.count(where: { $0 == 10 }) == exported.log.count + 1)
            #expect(Array(log.prefix(expected.log.count)) == expected.log)

            try await client.execute(uri: "/elections/none/record.zip", method: .get) { r in
                #expect(r.status == .notFound)
                #expect((try? BoardRouterTests.code(r)) == "unknownElection")
            }
        }
    }

    @Test(
        "With every heavy-read slot taken: a long page of entries and a first zip get 503 busy with Retry-After; short pages and a built zip are still served"
    )
    func busy() async throws {
        let key = Ed25519.SigningKey()
        let (service, cleanup) = try BoardRouterTests.freshService("busy", key: key)
        defer { cleanup() }
        _ = try await BoardRouterTests.openReferendum("busy", on: service, boardKey: key, voters: 2)
        _ = try await BoardRouterTests.openReferendum("other", on: service, boardKey: key, voters: 2)
        let heavy = HeavyReads(running: 1, waiting: 0)
        let config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "op")
        let router = buildRouter(service: service, configuration: config, metrics: BoardMetrics(), reports: nil, heavyReads: heavy)
        try await Application(router: router).test(.router) { client in
            // Built while a slot is free.
            try await client.execute(uri: "/elections/busy/record.zip", method: .get) { #expect($0.status == .ok) }
            #expect(heavy.tryAcquire())
            func expectBusy(_ uri: String) async throws {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .serviceUnavailable, "\(uri)")
                    #expect((try? BoardRouterTests.code(r)) == "busy")
                    #expect(r.headers[.retryAfter] == "\(busyRetrySeconds)")
                }
            }
            try await expectBusy("/elections/busy/entries?start=0&end=5000")
            try await expectBusy("/elections/other/record.zip")
            // Not heavy, or already built: served.
            try await client.execute(uri: "/elections/busy/entries?start=0&end=2", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/elections/busy/record.zip", method: .get) { #expect($0.status == .ok) }
            heavy.release()
            // The slot back: the long page is judged on its merits (beyond the log: malformed).
            try await client.execute(uri: "/elections/busy/entries?start=0&end=5000", method: .get) { r in
                #expect(r.status == .badRequest)
                #expect((try? BoardRouterTests.code(r)) == "malformed")
            }
            try await client.execute(uri: "/elections/other/record.zip", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("Heavy reads: the bound at once, waiters served in arrival order as slots come back, refusal beyond the queue")
    func heavyReadsQueue() async throws {
        let heavy = HeavyReads(running: 1, waiting: 2)
        #expect(await heavy.acquire())
        let order = OrderLog()
        let first = Task {
            let got = await heavy.acquire()
            await order.add(1)
            return got
        }
        while heavy.waitingCount < 1 { await Task.yield() }
        let second = Task {
            let got = await heavy.acquire()
            await order.add(2)
            return got
        }
        while heavy.waitingCount < 2 { await Task.yield() }
        #expect(await heavy.acquire() == false, "a third waiter is beyond the queue")
        heavy.release()
        #expect(await first.value)
        #expect(await order.values == [1])
        heavy.release()
        #expect(await second.value)
        #expect(await order.values == [1, 2])
        heavy.release()
        #expect(heavy.tryAcquire())
        #expect(!heavy.tryAcquire())
    }

    @Test("The download budget: what overdraws it waits as long as the debt takes to repay (a lower bound: load only lengthens it)")
    func byteBudget() async {
        let budget = ByteBudget(bytesPerSecond: 1 << 20)
        let start = ContinuousClock.now
        await budget.spend(1 << 18)  // the quarter second saved up
        await budget.spend(1 << 19)  // half a second of debt
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(450), "\(elapsed)")
    }

    actor OrderLog {
        var values: [Int] = []
        func add(_ v: Int) { values.append(v) }
    }

    @Test("Live: a client holding the cap of connections gets further ones closed on arrival; a freed slot is usable again")
    func connectionCap() async throws {
        let (service, cleanup) = try BoardRouterTests.freshService("cap")
        defer { cleanup() }
        var config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "op")
        config.port = 0
        config.rateLimit = nil
        config.connectionsPerClient = 3
        let board = try await RunningBoard.start(service: service, configuration: config)
        defer { Task { await board.stop() } }
        let health = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        /// Sends a request on a kept-alive connection and reads the first answer bytes (off the
        /// cooperative pool, which the board in this process needs); nil when the server closed it.
        func ask(_ c: BoardHardeningTests.RawConnection) async throws -> String? {
            try await offThePool {
                c.send(health)
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = recv(c.fd, &buffer, buffer.count, 0)
                return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
            }
        }
        var held = [BoardHardeningTests.RawConnection]()
        for _ in 0..<3 {
            let c = try BoardHardeningTests.RawConnection(port: board.port)
            #expect(try await ask(c)?.contains("200 OK") == true)
            held.append(c)
        }
        let fourth = try BoardHardeningTests.RawConnection(port: board.port)
        #expect(try await ask(fourth) == nil, "a fourth connection from the same address is closed")
        held.removeFirst()  // closes one
        // The server counts it gone once it sees the close: ask until it does (bounded).
        var served = false
        for _ in 0..<2_000 where !served {  // polls for the event; the bound only guards against a hang
            let c = try BoardHardeningTests.RawConnection(port: board.port)
            served = try await ask(c)?.contains("200 OK") == true
            if !served { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        #expect(served)
        for c in held { #expect(try await ask(c)?.contains("200 OK") == true, "the connections held are still served") }
    }
}
