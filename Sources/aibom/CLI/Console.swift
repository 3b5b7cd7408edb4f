import AIBOMFormats
import Foundation

/// Where a command writes: data on stdout, messages and progress on stderr. Colour only on
/// a terminal and never when `NO_COLOR` is set.
struct Console: Sendable {
    let stdoutIsTTY: Bool
    let stderrIsTTY: Bool
    let color: Bool
    let quiet: Bool

    init(quiet: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment) {
        stdoutIsTTY = isatty(1) == 1
        stderrIsTTY = isatty(2) == 1
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        color = stdoutIsTTY && !noColor && environment["TERM"] != "dumb"
        self.quiet = quiet
    }

    /// Writes data to stdout.
    func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }

    /// Writes a note to stderr (suppressed by --quiet).
    func note(_ text: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes text to stderr (never suppressed).
    func err(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Writes a warning to stderr (never suppressed).
    func warn(_ text: String) {
        FileHandle.standardError.write(Data(("aibom: warning: " + text + "\n").utf8))
    }

    /// Writes a JSON document to stdout.
    func json(_ value: JSON) { out(value.serialized(pretty: true), terminator: "") }

    enum Style: String { case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", cyan = "36" }

    /// Wraps text in an ANSI style when colour is on.
    func styled(_ text: String, _ style: Style) -> String {
        color ? "\u{1b}[\(style.rawValue)m\(text)\u{1b}[0m" : text
    }
}

/// A progress line on stderr (bytes, rate, ETA), shown only on a terminal and only once the
/// work has run for a second.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var shown = false

    init(console: Console, label: String, total: UInt64, completed: @escaping @Sendable () -> UInt64) {
        guard console.stderrIsTTY, !console.quiet, total > 0 else { running = false; return }
        let start = Date()
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.2)
                lock.lock()
                defer { lock.unlock() }
                if !running { return }
                let elapsed = Date().timeIntervalSince(start)
                guard elapsed >= 1 else { continue }
                let done = min(completed(), total)
                let rate = Double(done) / max(elapsed, 0.001)
                let eta = rate > 0 ? Double(total - done) / rate : 0
                let pct = Int(Double(done) * 100 / Double(total))
                let line = "\r\(label) \(pct)%  \(ByteCount.format(done)) / \(ByteCount.format(total))  "
                    + "\(ByteCount.format(UInt64(rate)))/s  ETA \(Int(eta.rounded()))s\u{1b}[K"
                FileHandle.standardError.write(Data(line.utf8))
                shown = true
            }
        }
    }

    /// Stops the line and clears it from the terminal.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        running = false
        if shown { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
    }
}
