import Foundation

/// A self-signed certificate for 127.0.0.1 and localhost, made in the test with openssl (EC P-256,
/// valid one day): the board's HTTPS and PostgreSQL's TLS are tested with it.
public struct TestCertificate: Sendable {
    public var certificate: String
    public var key: String

    /// Writes `cert.pem` and `key.pem` (mode 600) into `directory`.
    public static func make(in directory: String, commonName: String = "localhost") throws -> TestCertificate {
        let cert = "\(directory)/cert.pem", key = "\(directory)/key.pem"
        try ChildProcess.run([
            "/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-keyout", key, "-out", cert, "-subj", "/CN=\(commonName)", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ])
        chmod(key, 0o600)
        return TestCertificate(certificate: cert, key: key)
    }
}
