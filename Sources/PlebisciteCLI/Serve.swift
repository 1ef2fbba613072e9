import ArgumentParser
import BoardServer
import BoardService
import BoardStorage
import BoardStoragePostgres
import ElectionRecord
import Foundation
import Hummingbird
import Logging
import PlebisciteCrypto
import Ristretto

extension PlebisciteCommand {
    /// `plebiscite serve`: the bulletin board over HTTP.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the bulletin board over HTTP (SQLite file by default, or PostgreSQL).",
            discussion: """
                On first start it creates the board's signing key (encrypted under the passphrase) and a token
                secret; it prints the board's public key (for the manifest's boardKey) and the operator token.
                Several servers may share one PostgreSQL database if they share the key and the secret files.
                """)

        @Option(help: "SQLite file, or postgres://USER[:PASSWORD]@HOST:PORT/DATABASE[?sslmode=require|verify-full&sslrootcert=CA.pem].")
        var database = "board.sqlite"
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on (0 picks a free one, printed once listening).") var port = 8080
        @Option(help: "The board's key file (created if missing).") var boardKey = "board-server.key.json"
        @Option(help: "File with the token secret (created if missing).") var tokenSecret = "board-secret"
        @Option(help: "Largest request body in bytes.") var bodyLimit = 1 << 20
        @Option(help: "Connections one client address may hold open at once (0: no cap; behind a proxy, cap there).")
        var connectionsPerClient = 256
        @Option(help: "MiB per second all downloads of record.zip share (0: no bound).") var archiveMibPerSecond = 32
        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
        @Option(help: "Directory of the booth's files (.build/booth/site after scripts/build-booth-wasm), served under /booth/.")
        var booth: String?
        @Option(help: "Serve HTTPS with this certificate chain (PEM); with --tls-key. Every answer then carries HSTS.")
        var tlsCert: String?
        @Option(help: "The private key (PEM) of --tls-cert.") var tlsKey: String?
        @OptionGroup var passphrase: PassphraseOptions

        func validate() throws {
            if port < 0 || port > 65535 { throw ValidationError("--port must be 0 to 65535") }
            if bodyLimit < 1024 { throw ValidationError("--body-limit must be at least 1024 bytes") }
            if connectionsPerClient < 0 { throw ValidationError("--connections-per-client must be 0 (no cap) or more") }
            if archiveMibPerSecond < 0 || archiveMibPerSecond > 100_000 {
                throw ValidationError("--archive-mib-per-second must be 0 (no bound) to 100,000")
            }
            if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("give --tls-cert and --tls-key together") }
            if Logger.Level(rawValue: logLevel) == nil {
                throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
            }
        }

        func run() async throws {
            let key = try loadOrCreateKey()
            let secret = try loadOrCreateSecret()
            let store: any BoardStore
            do { store = try await openBoardStore(database) } catch { throw ValidationError("\(database): \(error)") }
            var config = BoardServerConfiguration(
                tokenSecret: secret, operatorToken: Digest.of("operator-token") { $0.append(bytes: secret) }.hex)
            config.host = host
            config.port = port
            config.bodyLimit = bodyLimit
            config.connectionsPerClient = connectionsPerClient > 0 ? connectionsPerClient : nil
            config.archiveBytesPerSecond = archiveMibPerSecond > 0 ? archiveMibPerSecond << 20 : nil
            if let booth {
                do { config.booth = try BoothAssets(directory: booth) } catch { throw ValidationError("--booth \(booth): \(error)") }
            }
            if let tlsCert, let tlsKey {
                do { config.tls = try BoardTLS.configuration(certificateChain: tlsCert, privateKey: tlsKey) } catch {
                    throw StepFailure("\(error)")
                }
            }
            let service = BoardService(store: store, boardKey: key)
            Terminal.line("Plebiscite board (store: \(database))")
            Terminal.line("Board public key (the manifest's boardKey): \(key.publicKey.hex)")
            Terminal.line("Operator token (create elections with it): \(config.operatorToken)")
            if let assets = config.booth {
                Terminal.line("Booth hash (the manifest's boothHash; listed at /booth/hash): \(assets.hash)")
            }
            var logger = Logger(label: "plebiscite.board")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            let host = host, scheme = config.tls == nil ? "http" : "https"
            try await buildApplication(service: service, configuration: config, logger: logger) { channel in
                // Printed once the socket accepts connections, with the port actually bound (--port 0 picks one).
                Terminal.line("Listening on \(scheme)://\(host):\(channel.localAddress?.port ?? 0)")
            }.runService()
        }

        func loadOrCreateKey() throws -> Ed25519.SigningKey {
            if FileManager.default.fileExists(atPath: boardKey) {
                let file = try KeyFile<SigningSecret, PublicIdentity>.load(boardKey, kind: "board")
                return try Ed25519.SigningKey(seed: try file.open(passphrase: try passphrase.passphrase(), path: boardKey).seed.bytes)
            }
            let key = Ed25519.SigningKey()
            try KeyFile<SigningSecret, PublicIdentity>.create(
                kind: "board", id: "board", publicPart: PublicIdentity(kind: "board", id: "board", signingKey: key.publicKey),
                secret: SigningSecret(seed: HexBytes(key.seed)), passphrase: try passphrase.passphrase(confirm: true)
            ).write(to: boardKey)
            return key
        }

        func loadOrCreateSecret() throws -> [UInt8] {
            if let text = try? String(contentsOfFile: tokenSecret, encoding: .utf8) {
                guard let bytes = try? Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count >= 16 else {
                    throw ValidationError("\(tokenSecret) does not hold a hex secret of at least 16 bytes")
                }
                return bytes
            }
            let secret = Sodium.randomBytes(32)
            try Data((Hex.encode(secret) + "\n").utf8).write(to: URL(fileURLWithPath: tokenSecret), options: .atomic)
            chmod(tokenSecret, 0o600)
            return secret
        }
    }
}

/// Opens a board store: a SQLite file, or a PostgreSQL URL (with sslmode).
func openBoardStore(_ database: String) async throws -> any BoardStore {
    guard let location = try PostgresLocation(url: database) else { return try SQLiteBoardStore(path: database) }
    return try await PostgresBoardStore(location)
}
