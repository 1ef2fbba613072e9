import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to a board on loopback, with blocking I/O on the calling
/// thread: the load generator of `bench board` (as wrk is to web servers). The clients share the
/// machine with the board, so they should cost it as little as they can: no event loop, no
/// connection pool, no task hops; one `send` and the `recv`s of the answer per request.
/// The voters' client is `BoardClient`; this one is for load only.
final class LoadConnection {
    private let fd: Int32
    private let host: String
    private var buffer = [UInt8]()
    /// Where `recv` writes, allocated once.
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    /// Connects to `host` (an IPv4 address) and `port`.
    init(host: String, port: Int) throws(LoadConnectionError) {
        self.host = host
        #if canImport(Glibc)
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .io("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw .io("\(host) is not an IPv4 address")
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw .io("connect to \(host):\(port): errno \(errno)")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// POSTs a JSON body and returns the answer's status and body.
    func post(_ path: String, body: [UInt8]) throws(LoadConnectionError) -> (status: Int, body: [UInt8]) {
        let head = "POST \(path) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        try send(Array(head.utf8) + body)
        return try readResponse()
    }

    private func send(_ bytes: [UInt8]) throws(LoadConnectionError) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw .io("send: errno \(errno)") }
            sent += n
        }
    }

    /// Reads more bytes into the buffer; throws when the board closed the connection.
    private func fill() throws(LoadConnectionError) {
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
        guard n > 0 else { throw .io(n == 0 ? "the board closed the connection" : "recv: errno \(errno)") }
        buffer += chunk[..<n]
    }

    /// GETs `path` and reads the answer's body without keeping it (a reader under load); returns
    /// the status and the body's length.
    func getDiscarding(_ path: String) throws(LoadConnectionError) -> (status: Int, length: Int) {
        try send(Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\r\n".utf8))
        let (status, length) = try readHead()
        var left = length - min(length, buffer.count)
        buffer.removeFirst(length - left)
        while left > 0 {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, min($0.count, left), 0) }
            guard n > 0 else { throw .io(n == 0 ? "the board closed the connection" : "recv: errno \(errno)") }
            left -= n
        }
        return (status, length)
    }

    /// One response with a Content-Length body (what the board sends).
    private func readResponse() throws(LoadConnectionError) -> (status: Int, body: [UInt8]) {
        let (status, length) = try readHead()
        while buffer.count < length { try fill() }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return (status, body)
    }

    /// Reads a response's head, leaving the buffer at its body; returns the status and Content-Length.
    private func readHead() throws(LoadConnectionError) -> (status: Int, length: Int) {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffer.indices.dropLast(3).first { buffer[$0..<$0 + 4].elementsEqual(separator) }
            if headEnd == nil { try fill() }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw .badResponse("status line \(lines.first ?? "")") }
        guard
            let length = lines.dropFirst().lazy.compactMap({ line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }).first
        else { throw .badResponse("no Content-Length") }
        buffer.removeFirst(headEnd! + 4)
        return (status, length)
    }
}

/// Why a load connection failed.
enum LoadConnectionError: Error, CustomStringConvertible {
    case io(String)
    case badResponse(String)

    var description: String {
        switch self {
        case .io(let m): "connection to the board: \(m)"
        case .badResponse(let m): "the board's answer is not HTTP/1.1 as expected: \(m)"
        }
    }
}
