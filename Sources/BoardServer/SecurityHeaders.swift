import Hummingbird
import NIOSSL

/// Headers every answer carries: no MIME sniffing; over HTTPS, HSTS (a browser that once reached
/// the board over HTTPS never again accepts it over plain HTTP, where a booth could be altered on
/// the way). The pages add their Content-Security-Policy themselves.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let hsts: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return add(try await next(request, context))
        } catch let error as any HTTPResponseError {
            return add(try error.response(from: request, context: context))
        }
    }

    private func add(_ response: Response) -> Response {
        var r = response
        if r.headers[.init("X-Content-Type-Options")!] == nil {
            r.headers.append(.init(name: .init("X-Content-Type-Options")!, value: "nosniff"))
        }
        if hsts { r.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains" }
        return r
    }
}

/// Loading the board's certificate and key for `plebiscite serve --tls-cert --tls-key`.
public enum BoardTLS {
    /// Why the certificate or key cannot serve HTTPS; each names the file.
    public enum Failure: Error, CustomStringConvertible {
        case certificate(String, String)
        case key(String, String)
        case mismatch(String)

        public var description: String {
            switch self {
            case .certificate(let f, let why): "cannot read the certificate chain \(f) (PEM): \(why)"
            case .key(let f, let why): "cannot read the private key \(f) (PEM): \(why)"
            case .mismatch(let why): "the certificate and key cannot serve TLS: \(why)"
            }
        }
    }

    /// A TLS 1.2+ server configuration from PEM files, checked by building its context once.
    public static func configuration(certificateChain: String, privateKey: String) throws(Failure) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificateChain) } catch {
            throw .certificate(certificateChain, "\(error)")
        }
        guard !chain.isEmpty else { throw .certificate(certificateChain, "no certificate in it") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: privateKey, format: .pem) } catch { throw .key(privateKey, "\(error)") }
        var config = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        config.minimumTLSVersion = .tlsv12
        do { _ = try NIOSSLContext(configuration: config) } catch { throw .mismatch("\(error)") }
        return config
    }
}
