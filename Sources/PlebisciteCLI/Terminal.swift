import Foundation

/// Writes to standard error, for progress and diagnostics that must not mix with --json output.
enum Terminal {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes a line to standard output at once (unbuffered), for what a supervising process waits on.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static var stderrIsTTY: Bool { isatty(2) == 1 }
}

/// A progress bar on standard error: redrawn in place on a terminal, a few lines otherwise.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let total: Int
    private var done = 0
    private var lastDrawn = -1
    private let lock = NSLock()
    private let start = Date()
    private let enabled: Bool
    private var printedComplete = false

    init(_ label: String, total: Int, enabled: Bool = true) {
        self.label = label
        self.total = max(total, 1)
        self.enabled = enabled
        draw()
    }

    func advance(by n: Int = 1) {
        lock.lock()
        done += n
        draw()
        lock.unlock()
    }

    func finish() {
        lock.lock()
        done = total
        draw(force: true)
        if enabled && Terminal.stderrIsTTY { FileHandle.standardError.write(Data("\n".utf8)) }
        lock.unlock()
    }

    private func draw(force: Bool = false) {
        guard enabled else { return }
        let percent = min(100, done * 100 / total)
        let step = Terminal.stderrIsTTY ? percent : percent / 25 * 25
        guard force || step != lastDrawn else { return }
        lastDrawn = step
        let width = 30
        let filled = width * percent / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let secs = String(format: "%.1fs", Date().timeIntervalSince(start))
        // Padded to line up bars, never cut: a long label keeps its last words.
        let line =
            "\(label.count >= 24 ? label : label.padding(toLength: 24, withPad: " ", startingAt: 0)) [\(bar)] \(percent)% \(min(done, total))/\(total) \(secs)"
        if Terminal.stderrIsTTY {
            FileHandle.standardError.write(Data(("\r" + line).utf8))
        } else if !(force && printedComplete) {
            FileHandle.standardError.write(Data((line + "\n").utf8))
            if step == 100 { printedComplete = true }
        }
    }
}
