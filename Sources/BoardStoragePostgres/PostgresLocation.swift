import BoardStorage
import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL board store lives: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, with
/// libpq's `sslmode` (`disable`, the default here, for a database on loopback; `prefer`;
/// `require`: encrypted, the server's certificate not checked; `verify-full`: encrypted, the
/// certificate checked against `sslrootcert` (a PEM file; the system's roots without it) and the
/// host name) and `sslrootcert` query parameters.
public struct PostgresLocation: Sendable, Equatable {
    /// How the connection is protected.
    public enum TLSMode: Sendable, Equatable {
        case disable, prefer, require
        case verifyFull(rootCertificate: String?)
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(host: String, port: Int, username: String, password: String?, database: String, tls: TLSMode = .disable) {
        (self.host, self.port, self.username, self.password, self.database, self.tls) = (host, port, username, password, database, tls)
    }

    /// Reads a URL; nil when it is no PostgreSQL URL at all (a SQLite path, say).
    public init?(url: String) throws(BoardStoreError) {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else { return nil }
        guard let parts = URLComponents(string: url), let host = parts.host, let user = parts.user, parts.path.count > 1 else {
            throw .backend("a PostgreSQL URL reads postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]")
        }
        var mode = "disable"
        var root: String?
        for item in parts.queryItems ?? [] {
            switch item.name {
            case "sslmode": mode = item.value ?? ""
            case "sslrootcert": root = item.value
            default: throw .backend("unknown PostgreSQL URL parameter \(item.name) (sslmode and sslrootcert are read)")
            }
        }
        let tls: TLSMode
        switch mode {
        case "disable": tls = .disable
        case "prefer": tls = .prefer
        case "require": tls = .require
        case "verify-full": tls = .verifyFull(rootCertificate: root)
        default: throw .backend("sslmode \(mode) is not one of disable, prefer, require, verify-full")
        }
        if root != nil, case .verifyFull = tls {
        } else if root != nil {
            throw .backend("sslrootcert is used only with sslmode=verify-full")
        }
        self.init(
            host: host, port: parts.port ?? 5432, username: user, password: parts.password, database: String(parts.path.dropFirst()),
            tls: tls)
    }

    /// PostgresNIO's TLS setting for the mode; a root certificate that cannot be read is named.
    func clientTLS() throws(BoardStoreError) -> PostgresClient.Configuration.TLS {
        var config = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable: return .disable
        case .prefer, .require:
            config.certificateVerification = .none
            return tls == .prefer ? .prefer(config) : .require(config)
        case .verifyFull(let root):
            config.certificateVerification = .fullVerification
            if let root {
                do { config.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(root)) } catch {
                    throw .backend("cannot read sslrootcert \(root): \(error)")
                }
            }
            return .require(config)
        }
    }
}
