import Foundation

/// Writes whole lines to stdout without interleaving.
enum Output {
    @Sendable static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
