import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// A small W3C WebDriver client for Debian's chromedriver driving headless Chromium: enough to load
/// a page, find elements, click, type, read text and run scripts, for the booth's tests and `bench booth`.
public final class WebDriver: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    let driver: ChildProcess
    let endpoint: String
    let session: String

    /// Whether this session still holds the process's browser turn (BrowserTurn).
    private let holdsTurn = Mutex(true)

    /// Waits for the process's browser turn, starts chromedriver on a free port and opens a
    /// headless Chromium session; `arguments` go to Chromium too (`--accept-lang=ru`, say).
    public init(windowSize: (Int, Int) = (1024, 900), arguments: [String] = []) async throws {
        await BrowserTurn.shared.acquire()
        do {
            (driver, endpoint, session) = try await Self.start(windowSize: windowSize, arguments: arguments)
        } catch {
            await BrowserTurn.shared.release()
            throw error
        }
    }

    private static func start(windowSize: (Int, Int), arguments: [String]) async throws -> (ChildProcess, String, String) {
        let port = ChildProcess.freePort()
        let driver = try ChildProcess(
            ["/usr/bin/chromedriver", "--port=\(port)"], outputPath: NSTemporaryDirectory() + "chromedriver-\(port).log")
        let endpoint = "http://127.0.0.1:\(port)"
        do {
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
            guard ready else {
                throw Failure(description: "chromedriver did not answer (\(lastError)): \(driver.output)")
            }
            let caps: [String: Any] = [
                "capabilities": [
                    "alwaysMatch": [
                        "goog:chromeOptions": [
                            "binary": "/usr/bin/chromium",
                            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=\(windowSize.0),\(windowSize.1)"]
                                + arguments,
                        ]
                    ]
                ]
            ]
            let answer = try await Self.request("POST", "\(endpoint)/session", caps)
            guard let id = (answer["value"] as? [String: Any])?["sessionId"] as? String else {
                throw Failure(description: "no session: \(answer)")
            }
            return (driver, endpoint, id)
        } catch {
            driver.kill()
            throw error
        }
    }

    deinit {
        driver.kill()
        // A session dropped without close() still hands the turn on.
        if holdsTurn.withLock({ $0 }) { Task { await BrowserTurn.shared.release() } }
    }

    static func request(_ method: String, _ url: String, _ body: [String: Any]?) async throws -> [String: Any] {
        var r = HTTPClientRequest(url: url)
        r.method = HTTPMethod(rawValue: method)
        // A fresh loopback connection per command: a pooled one the driver closed while idle fails
        // the next command with "I/O on closed channel" on a loaded machine.
        r.headers.add(name: "Connection", value: "close")
        if let body {
            r.headers.add(name: "Content-Type", value: "application/json")
            r.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(r, timeout: .seconds(60))
        } catch let error as ChannelError where error == .ioOnClosedChannel {
            // The request was never written (the channel was closed before it): sending it again is safe.
            response = try await HTTPClient.shared.execute(r, timeout: .seconds(60))
        }
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
    /// Resizes the browser window (CSS pixels), as a phone's would be.
    public func resize(width: Int, height: Int) async throws { try await call("POST", "/window/rect", ["width": width, "height": height]) }

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

    /// WebDriver key codes for the keys the tests press.
    public enum Key {
        public static let tab = "\u{E004}", enter = "\u{E007}", space = "\u{E00D}", arrowDown = "\u{E015}"
    }

    /// Presses keys one after another on the keyboard (each a character or a `Key`), as a person would.
    public func press(_ keys: [String]) async throws {
        let actions = keys.flatMap { [["type": "keyDown", "value": $0], ["type": "keyUp", "value": $0]] }
        try await call("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    /// Runs a script in the page and returns its value.
    public func script(_ source: String) async throws -> Any? { try await call("POST", "/execute/sync", ["script": source, "args": []]) }

    /// Chooses a local file in a file input.
    public func choose(_ css: String, file path: String) async throws { try await type(css, path) }

    /// Runs an asynchronous script, which ends by calling `arguments[arguments.length - 1]` with its
    /// value, waiting at most `timeout` seconds.
    public func asyncScript(_ source: String, timeout: Double = 30) async throws -> Any? {
        try await call("POST", "/timeouts", ["script": Int(timeout * 1000)])
        return try await call("POST", "/execute/async", ["script": source, "args": []])
    }

    /// Polls `condition` (a script returning a boolean) until it holds, for at most `timeout` seconds:
    /// a guard against a hang, long enough for a machine under load (the wait ends at the event).
    public func wait(_ condition: String, timeout: Double = 120) async throws {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if (try await script("return Boolean(\(condition));")) as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(
            description:
                "timed out waiting for \(condition); error shown: \((try? await script("return document.getElementById('error')?.textContent")) ?? ""); page \((try? await script("return location.href + ' ready=' + document.body?.dataset.ready + ' ' + (document.getElementById('open-state')?.textContent ?? '')")) ?? "")"
        )
    }

    /// The page's accessibility tree as Chromium computes it (DevTools Accessibility.getFullAXTree):
    /// (role, name) of every node that is not ignored.
    public func accessibilityTree() async throws -> [(role: String, name: String)] {
        let v = try await call("POST", "/goog/cdp/execute", ["cmd": "Accessibility.getFullAXTree", "params": [:] as [String: Any]])
        let nodes = ((v as? [String: Any])?["nodes"] as? [[String: Any]]) ?? []
        return nodes.compactMap { node in
            guard node["ignored"] as? Bool != true else { return nil }
            let role = ((node["role"] as? [String: Any])?["value"] as? String) ?? ""
            let name = ((node["name"] as? [String: Any])?["value"] as? String) ?? ""
            return (role, name)
        }
    }

    /// A PNG screenshot of the window.
    public func screenshot() async throws -> Data {
        guard let b64 = try await call("GET", "/screenshot") as? String, let png = Data(base64Encoded: b64) else {
            throw Failure(description: "no screenshot")
        }
        return png
    }

    /// Ends the session and hands the browser turn to the next session.
    public func close() async {
        _ = try? await call("DELETE", "")
        let held = holdsTurn.withLock { held in
            defer { held = false }
            return held
        }
        if held { await BrowserTurn.shared.release() }
    }
}
