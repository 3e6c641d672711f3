import Foundation
import ReverbConsole
import Testing

/// Compares a grid's text with expected lines; on a mismatch prints both side by side, marking the rows that differ.
func expectLines(_ grid: CellGrid, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    let actual = grid.lines()
    guard actual != expected else { return }
    let width = max(grid.width, expected.map(\.count).max() ?? 0)
    var report = ["expected | actual"]
    for row in 0..<max(actual.count, expected.count) {
        let left = row < expected.count ? expected[row] : ""
        let right = row < actual.count ? actual[row] : ""
        let marker = left == right ? "  " : "≠ "
        report.append(marker + left.padding(toLength: width, withPad: " ", startingAt: 0) + " | " + right)
    }
    Issue.record(Comment(rawValue: report.joined(separator: "\n")), sourceLocation: sourceLocation)
}
