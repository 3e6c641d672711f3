import CNcurses  // links libncursesw through the system-library module map
import CNcursesShim
import ReverbConsole

/// The only type that talks to ncurses: it enters and leaves curses mode, reads keys, defines one
/// colour pair per role for the current theme, and flushes a `CellGrid` as one update. It is created
/// on the console thread and not `Sendable`, so the compiler keeps every ncurses call on that thread.
final class NcursesScreen {
    /// ncurses would not start (no terminal, unknown `TERM`).
    struct StartError: Error, CustomStringConvertible {
        var description: String { "cannot start the terminal console (is TERM set and is this a terminal?)" }
    }

    let tier: ColorTier
    /// Colours the terminal reports (`COLORS`).
    private let colorCount: Int
    private var styles: [(attributes: Int32, pair: Int32)] = []
    private var isOpen = true
    private let decoder = KeyDecoder()
    /// Reused per row so a frame does not allocate a buffer per run of cells.
    private var rowBuffer: [wchar_t] = []

    init(noColor: Bool) throws {
        guard reverb_screen_start() == 0 else { throw StartError() }
        colorCount = Int(reverb_start_colors())
        tier = ColorTier(colors: colorCount, noColor: noColor)
        apply(.default)
    }

    deinit {
        close()
    }

    /// Leaves curses mode and restores the terminal; later calls do nothing.
    func close() {
        guard isOpen else { return }
        isOpen = false
        reverb_screen_stop()
    }

    /// The terminal's size in cells.
    var size: (width: Int, height: Int) {
        (Int(reverb_screen_width()), Int(reverb_screen_height()))
    }

    /// Resolves every role of `theme` for this terminal's colour tier and defines its colour pair.
    func apply(_ theme: Theme) {
        styles.removeAll(keepingCapacity: true)
        for role in Role.allCases {
            let style = RoleStyle.of(role)
            let pair = Int32(role.rawValue) + 1
            if tier == .monochrome {
                styles.append((Self.flags(style.monochromeAttributes), 0))
                continue
            }
            var foreground = theme.color(style.foreground).paletteIndex(for: tier)
            var background = theme.color(style.background).paletteIndex(for: tier)
            var attributes = style.attributes
            // Eight-colour terminals show the bright half of the ANSI palette as bold.
            if tier == .ansi16, foreground >= 8, colorCount < 16 {
                foreground -= 8
                attributes.insert(.bold)
            }
            if tier == .ansi16, background >= 8, colorCount < 16 { background -= 8 }
            reverb_define_pair(pair, Int32(foreground), Int32(background))
            styles.append((Self.flags(attributes), pair))
        }
    }

    /// Waits up to `timeoutMilliseconds` for a key; nil when none came or it means nothing.
    func readKey(timeoutMilliseconds: Int) -> Key? {
        var code: UInt32 = 0
        switch Int(reverb_read_key(Int32(timeoutMilliseconds), &code)) {
        case Int(REVERB_KEY_CHARACTER):
            return decoder.character(code)
        case Int(REVERB_KEY_FUNCTION):
            if Int(code) == Int(REVERB_FN_MOUSE) {
                var x: Int32 = 0
                var y: Int32 = 0
                var button: Int32 = 0
                guard reverb_read_mouse(&x, &y, &button) == 1 else { return nil }
                return decoder.mouse(button: button, x: x, y: y)
            }
            return decoder.functionKey(code)
        default:
            return nil
        }
    }

    func setMouse(_ enabled: Bool) {
        reverb_set_mouse(enabled)
    }

    /// Draws the grid: runs of cells with the same role become one write, then one `doupdate`.
    func draw(_ grid: CellGrid) {
        reverb_begin_frame()
        for y in 0..<grid.height {
            let row = grid.row(y)
            var start = row.startIndex
            while start < row.endIndex {
                let role = row[start].role
                var end = start
                rowBuffer.removeAll(keepingCapacity: true)
                while end < row.endIndex, row[end].role == role {
                    for scalar in row[end].character.unicodeScalars {
                        rowBuffer.append(wchar_t(bitPattern: scalar.value))
                    }
                    end += 1
                }
                let style = styles[Int(role.rawValue)]
                let x = Int32(start - row.startIndex)
                rowBuffer.withUnsafeBufferPointer { buffer in
                    reverb_put(Int32(y), x, buffer.baseAddress, Int32(buffer.count), style.attributes, style.pair)
                }
                start = end
            }
        }
        reverb_end_frame()
    }

    private static func flags(_ attributes: TextAttributes) -> Int32 {
        var flags: Int32 = 0
        if attributes.contains(.bold) { flags |= Int32(REVERB_ATTR_BOLD) }
        if attributes.contains(.reverse) { flags |= Int32(REVERB_ATTR_REVERSE) }
        if attributes.contains(.dim) { flags |= Int32(REVERB_ATTR_DIM) }
        if attributes.contains(.underline) { flags |= Int32(REVERB_ATTR_UNDERLINE) }
        return flags
    }
}

@available(*, unavailable)
extension NcursesScreen: Sendable {}
