import BoardStorage
import BoardStoragePostgres
import BoardTestSupport
import Foundation
import Synchronization
import Testing

@Suite("PostgreSQL board store (a real server on loopback)")
struct PostgresBoardStoreTests {
    @Test("sslmode in the URL: a server taking TLS only is reached with require and verify-full, refused without TLS or an unknown root")
    func tls() async throws {
        let (server, cert) = try await PostgresTestServer.startTLS()
        try await server.createDatabase("tlsdb")
        let base = "postgres://\(server.username)@127.0.0.1:\(server.port)/tlsdb"
        func open(_ query: String, timeout: Duration = .seconds(60)) async throws -> PostgresBoardStore {
            try await PostgresBoardStore(try #require(try PostgresLocation(url: base + query)), connectTimeout: timeout)
        }
        for query in ["?sslmode=require", "?sslmode=verify-full&sslrootcert=\(cert.certificate)", "?sslmode=prefer"] {
            let store = try await open(query)
            let id = "tls-\(UUID().uuidString.prefix(6).lowercased())"
            try await store.createElection(id: id, manifest: [7])
            #expect(try await store.manifest(electionId: id) == [7], "\(query)")
            store.close()
        }
        // pg_hba has no line for plain connections; a root that did not sign the server's certificate is refused.
        await #expect(throws: BoardStoreError.self) { _ = try await open("", timeout: .seconds(2)) }
        await #expect(throws: BoardStoreError.self) { _ = try await open("?sslmode=disable", timeout: .seconds(2)) }
        let other = NSTemporaryDirectory() + "other-ca-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: other) }
        let stranger = try TestCertificate.make(in: other)
        await #expect(throws: BoardStoreError.self) {
            _ = try await open("?sslmode=verify-full&sslrootcert=\(stranger.certificate)", timeout: .seconds(2))
        }
        // URL mistakes are named.
        #expect(throws: BoardStoreError.self) { _ = try PostgresLocation(url: base + "?sslmode=verify-ca") }
        #expect(throws: BoardStoreError.self) { _ = try PostgresLocation(url: base + "?sslmode=require&sslrootcert=x.pem") }
        #expect(throws: BoardStoreError.self) { _ = try PostgresLocation(url: base + "?ssl=true") }
        #expect(try PostgresLocation(url: "board.sqlite") == nil)
        #expect(try PostgresLocation(url: base)?.tls == .disable)
        try await server.stopImmediately()
    }

    @Test("Passes the shared board-store suite")
    func conformance() async throws {
        let db = "plebiscite_\(UUID().uuidString.prefix(8).lowercased())"
        let server = try await PostgresTestServer.createDatabase(db)
        let store = try await server.store(db)
        defer { store.close() }
        var reopened: [PostgresBoardStore] = []
        try await BoardStoreConformance.run(store) {
            // Another board server on the same database.
            let other = try await server.store(db)
            reopened.append(other)
            return other
        }
        reopened.forEach { $0.close() }
    }

    @Test("Two stores on one database append concurrently without gaps or forks")
    func twoServers() async throws {
        let db = "plebiscite_\(UUID().uuidString.prefix(8).lowercased())"
        let server = try await PostgresTestServer.createDatabase(db)
        let a = try await server.store(db)
        let b = try await server.store(db)
        defer {
            a.close()
            b.close()
        }
        try await a.createElection(id: "e", manifest: [1])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, store) in [a, b, a, b].enumerated() {
                group.addTask {
                    for j in 0..<30 {
                        _ = try await store.append(electionId: "e") { tail in
                            StoredLine(line: try BoardStoreConformance.line(tail, note: "\(i)-\(j)"))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let lines = try await b.lines(electionId: "e", range: 0..<120)
        try BoardStoreConformance.checkChain(lines)
        #expect(try await a.tail(electionId: "e").count == 120)

        // In turn: each store's known tail is behind after the other appended, and its one-statement
        // append is refused by the primary key and done under the lock at the right place.
        for i in 0..<6 {
            let seq = try await (i % 2 == 0 ? a : b).append(electionId: "e") { tail in
                StoredLine(line: try BoardStoreConformance.line(tail, note: "turn-\(i)"))
            }
            #expect(seq == 120 + i)
        }
        // A caller that built for a tail it expected (the board's cache) hears that the tail moved.
        await #expect(throws: BoardStoreError.tailMoved) {
            _ = try await b.append(electionId: "e") { tail in
                guard tail.count == 125 else { throw BoardStoreError.tailMoved }
                return StoredLine(line: try BoardStoreConformance.line(tail, note: "expected"))
            }
        }
        try BoardStoreConformance.checkChain(try await a.lines(electionId: "e", range: 0..<126))
    }

    @Test("An unreachable server gives a clear error")
    func unreachable() async {
        await #expect(throws: BoardStoreError.self) {
            _ = try await PostgresBoardStore(
                host: "127.0.0.1", port: 1, username: "nobody", password: nil, database: "none", connectTimeout: .seconds(2))
        }
    }

    @Test("Appends in flight when PostgreSQL stops all get an answer; the log stays a gap-free chain after it restarts")
    func serverRestart() async throws {
        let pg = try await PostgresTestServer.start()  // its own server: the other tests share theirs
        defer { pg.stopImmediatelyBlocking() }
        let store = try await pg.store("board", create: true, deadline: .seconds(4))
        defer { store.close() }
        try await store.createElection(id: "e", manifest: [1])
        // The stop comes after the 40th acknowledged append (an event, not a time), so appends are in flight.
        let acknowledged = AppendCount(signalAt: 40)
        let outcomes = try await withThrowingTaskGroup(of: (ok: Int, failed: Int).self) { group in
            for i in 0..<8 {
                group.addTask {
                    var (ok, failed) = (0, 0)
                    for j in 0..<60 {
                        do {
                            _ = try await store.append(electionId: "e") {
                                StoredLine(line: try BoardStoreConformance.line($0, note: "\(i)-\(j)"))
                            }
                            ok += 1
                            acknowledged.increment()
                        } catch {
                            failed += 1
                            try await Task.sleep(nanoseconds: 200_000_000)
                        }
                    }
                    acknowledged.appenderFinished(of: 8)
                    return (ok, failed)
                }
            }
            group.addTask {
                await acknowledged.reached()
                try await pg.stopImmediately()
                // How long the database stays down; nothing asserted depends on it.
                try await Task.sleep(nanoseconds: 1_000_000_000)
                try await pg.start()
                return (0, 0)
            }
            return try await group.reduce(into: [(ok: Int, failed: Int)]()) { $0.append($1) }
        }
        let ok = outcomes.map(\.ok).reduce(0, +)
        let failed = outcomes.map(\.failed).reduce(0, +)
        #expect(ok + failed == 480, "every append was answered")
        #expect(failed > 0, "the stop came while appending")
        let size = try await store.tail(electionId: "e").count
        // Every acknowledged append is stored; a failed one may have committed before its answer was lost.
        #expect(size >= ok && size <= ok + failed)
        try BoardStoreConformance.checkChain(try await store.lines(electionId: "e", range: 0..<size))
    }
}

/// Acknowledged appends, counted across tasks; `reached()` returns once `signalAt` have been counted.
final class AppendCount: Sendable {
    private struct State {
        var count = 0
        var finished = 0
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())
    private let signalAt: Int

    init(signalAt: Int) { self.signalAt = signalAt }

    /// One more acknowledged append.
    func increment() { update { $0.count += 1 } }

    /// An appender ran out of appends: once all `total` have, `reached()` returns whatever the count.
    func appenderFinished(of total: Int) {
        update { s in
            s.finished += 1
            if s.finished == total { s.count = max(s.count, signalAt) }
        }
    }

    private func update(_ change: (inout State) -> Void) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            change(&s)
            guard s.count >= signalAt else { return nil }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    func reached() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.count >= signalAt { return true }
                s.waiter = c
                return false
            }
            if now { c.resume() }
        }
    }
}
