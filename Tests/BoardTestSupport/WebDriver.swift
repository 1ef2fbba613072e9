import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small W3C WebDriver client for Debian's chromedriver driving headless Chromium: enough to load
/// a page, find elements, click, type and read text, for the booth's tests in a real browser.
public final class WebDriver: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    let driver: ChildProcess
    let endpoint: String
    let session: String

    /// Starts chromedriver on a free port and opens a headless Chromium session.
    public init(windowSize: (Int, Int) = (1024, 900)) async throws {
        let port = ChildProcess.freePort()
        driver = try ChildProcess(
            ["/usr/bin/chromedriver", "--port=\(port)"], outputPath: NSTemporaryDirectory() + "chromedriver-\(port).log")
        endpoint = "http://127.0.0.1:\(port)"
        var ready = false, lastError = ""
        for _ in 0..<100 where !ready {
            do {
                _ = try await Self.request("GET", "\(endpoint)/status", nil)
                ready = true
            } catch {
                lastError = "\(error)"
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        guard ready else { throw Failure(description: "chromedriver did not answer (\(lastError)): \(driver.output)") }
        let caps: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "goog:chromeOptions": [
                        "binary": "/usr/bin/chromium",
                        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=\(windowSize.0),\(windowSize.1)"],
                    ]
                ]
            ]
        ]
        let answer = try await Self.request("POST", "\(endpoint)/session", caps)
        guard let id = (answer["value"] as? [String: Any])?["sessionId"] as? String else {
            throw Failure(description: "no session: \(answer)")
        }
        session = id
    }

    deinit { driver.kill() }

    static func request(_ method: String, _ url: String, _ body: [String: Any]?) async throws -> [String: Any] {
        var r = HTTPClientRequest(url: url)
        r.method = HTTPMethod(rawValue: method)
        if let body {
            r.headers.add(name: "Content-Type", value: "application/json")
            r.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(r, timeout: .seconds(60))
        var buffer = try await response.body.collect(upTo: 64 << 20)
        let data = Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        let json = (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        if let error = (json["value"] as? [String: Any])?["error"] as? String {
            throw Failure(description: "WebDriver \(method) \(url): \(error): \((json["value"] as? [String: Any])?["message"] ?? "")")
        }
        return json
    }

    @discardableResult
    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        try await Self.request(method, "\(endpoint)/session/\(session)\(path)", body ?? (method == "POST" ? [:] : nil))["value"]
    }

    public func open(_ url: String) async throws { try await call("POST", "/url", ["url": url]) }

    /// The first element matching a CSS selector.
    public func element(_ css: String) async throws -> String {
        let v = try await call("POST", "/element", ["using": "css selector", "value": css]) as? [String: Any]
        guard let id = v?.values.first as? String else { throw Failure(description: "no element \(css)") }
        return id
    }

    public func click(_ css: String) async throws { try await call("POST", "/element/\(try await element(css))/click") }
    public func type(_ css: String, _ text: String) async throws {
        try await call("POST", "/element/\(try await element(css))/value", ["text": text])
    }
    public func text(_ css: String) async throws -> String {
        (try await call("GET", "/element/\(try await element(css))/text") as? String) ?? ""
    }

    /// Runs a script in the page and returns its value.
    public func script(_ source: String) async throws -> Any? { try await call("POST", "/execute/sync", ["script": source, "args": []]) }

    /// Polls `condition` (a script returning a boolean) until it holds, for at most `timeout` seconds.
    public func wait(_ condition: String, timeout: Double = 20) async throws {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if (try await script("return Boolean(\(condition));")) as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(
            description:
                "timed out waiting for \(condition); error shown: \((try? await script("return document.getElementById('error')?.textContent")) ?? "")"
        )
    }

    /// A PNG screenshot of the window.
    public func screenshot() async throws -> Data {
        guard let b64 = try await call("GET", "/screenshot") as? String, let png = Data(base64Encoded: b64) else {
            throw Failure(description: "no screenshot")
        }
        return png
    }

    public func close() async { _ = try? await call("DELETE", "") }
}
