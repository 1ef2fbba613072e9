import BoardStorage
import BoardStoragePostgres
import BoardTestSupport
import Foundation
import Testing

@Suite("PostgreSQL board store (a real server on loopback)")
struct PostgresBoardStoreTests {
    @Test("Passes the shared board-store suite")
    func conformance() async throws {
        let db = "plebiscite_\(UUID().uuidString.prefix(8).lowercased())"
        let server = try PostgresTestServer.createDatabase(db)
        let store = try await PostgresBoardStore(
            host: server.host, port: server.port, username: server.username, password: nil, database: db)
        defer { store.close() }
        var reopened: [PostgresBoardStore] = []
        try await BoardStoreConformance.run(store) {
            // Another board server on the same database.
            let other = try await PostgresBoardStore(
                host: server.host, port: server.port, username: server.username, password: nil, database: db)
            reopened.append(other)
            return other
        }
        reopened.forEach { $0.close() }
    }

    @Test("Two stores on one database append concurrently without gaps or forks")
    func twoServers() async throws {
        let db = "plebiscite_\(UUID().uuidString.prefix(8).lowercased())"
        let server = try PostgresTestServer.createDatabase(db)
        let a = try await PostgresBoardStore(host: server.host, port: server.port, username: server.username, password: nil, database: db)
        let b = try await PostgresBoardStore(host: server.host, port: server.port, username: server.username, password: nil, database: db)
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
    }

    @Test("An unreachable server gives a clear error")
    func unreachable() async {
        await #expect(throws: BoardStoreError.self) {
            _ = try await PostgresBoardStore(
                host: "127.0.0.1", port: 1, username: "nobody", password: nil, database: "none", connectTimeout: .seconds(2))
        }
    }
}
