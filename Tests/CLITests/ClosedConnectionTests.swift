import BoardAPI
import BoardClient
import BoardTestSupport
import ElectionRecord
import Foundation
import Ristretto
import Synchronization
import Testing

/// What a client meets when a server closes a kept-alive connection as the next request arrives
/// (its idle timer fired, it restarted, a proxy recycled the connection): the request is lost
/// with "connection closed" and no answer. A board client sends a GET again on a new connection.
@Suite("A kept-alive connection the server closes under the next request")
struct ClosedConnectionTests {
    /// A one-route HTTP/1.1 server on loopback: on its first connection it answers the first
    /// request (keep-alive) and closes the connection when the second arrives, without answering;
    /// every later connection is answered normally.
    final class ClosingServer: @unchecked Sendable {
        let port: Int
        private let listener: Int32
        let connections = Atomic<Int>(0)
        let answered = Atomic<Int>(0)
        let body: [UInt8]

        init(body: [UInt8]) throws {
            self.body = body
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.listener = listener
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(listener, $0, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, $0, &length) == 0
                }
            }
            guard bound else { throw POSIXError(.EADDRINUSE) }
            port = Int(UInt16(bigEndian: address.sin_port))
            let thread = Thread { [self] in acceptLoop() }
            thread.start()
        }

        /// Closing the listener ends the accept loop.
        func stop() {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }

        private func acceptLoop() {
            while true {
                let fd = accept(listener, nil, nil)
                guard fd >= 0 else { return }
                let n = connections.add(1, ordering: .relaxed).newValue
                let thread = Thread { [self] in serve(fd, closingSecond: n == 1) }
                thread.start()
            }
        }

        /// Answers requests on one connection; the first connection's second request is met with a close.
        private func serve(_ fd: Int32, closingSecond: Bool) {
            defer { close(fd) }
            var pending = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            var requests = 0
            let separator = Array("\r\n\r\n".utf8)
            while true {
                // One request's head (a GET has no body).
                while pending.firstRange(of: separator) == nil {
                    let n = recv(fd, &buffer, buffer.count, 0)
                    guard n > 0 else { return }
                    pending += buffer[0..<n]
                }
                pending.removeSubrange(0..<pending.firstRange(of: separator)!.upperBound)
                requests += 1
                if closingSecond && requests == 2 { return }
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
                let answer = Array(head.utf8) + body
                _ = answer.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
                answered.add(1, ordering: .relaxed)
            }
        }
    }

    @Test("BoardClient: the GET lost on the closed connection is sent again on a new one and answered")
    func getRetriedOnNewConnection() async throws {
        let key = Ed25519.SigningKey().publicKey
        let server = try ClosingServer(body: try RecordCoding.encode(BoardInfo(boardKey: key, elections: ["e"])))
        defer { server.stop() }
        let client = BoardClient(board: "http://127.0.0.1:\(server.port)", timeout: .seconds(30))
        let first = try await client.info()
        #expect(first.boardKey == key)
        // The pooled connection is reused for this one; the server closes it under the request.
        let second = try await client.info()
        #expect(second.elections == ["e"])
        #expect(server.connections.load(ordering: .relaxed) == 2, "the second answer came on a new connection")
        #expect(server.answered.load(ordering: .relaxed) == 2)
    }
}
