import Foundation

/// `doctor`'s output: one line per check, `PASS`, `WARN` or `FAIL`, the finding, and the fix where one is due.
struct DoctorReport {
    private(set) var lines: [String] = []
    private(set) var failures = 0

    var failed: Bool { failures > 0 }

    mutating func pass(_ check: String, _ detail: String) { add("PASS", check, detail, fix: nil) }

    mutating func warn(_ check: String, _ detail: String, fix: String) { add("WARN", check, detail, fix: fix) }

    mutating func fail(_ check: String, _ detail: String, fix: String) {
        failures += 1
        add("FAIL", check, detail, fix: fix)
    }

    private mutating func add(_ verdict: String, _ check: String, _ detail: String, fix: String?) {
        let name = check.padding(toLength: max(16, check.count), withPad: " ", startingAt: 0)
        var line = "  \(verdict)  \(name) \(detail)"
        if let fix, !fix.isEmpty { line += ". Fix: \(fix)" }
        lines.append(line)
    }
}
