/// How many colours the terminal can show; theme colours are resolved to this tier once at load.
public enum ColorTier: Hashable, Sendable {
    /// `NO_COLOR` or a terminal without colours: bold and reverse only.
    case monochrome
    /// The 16 ANSI colours (a Linux console, `TERM=xterm`).
    case ansi16
    /// The xterm 256-colour palette; truecolor themes are downsampled to it.
    case xterm256

    /// The tier for a terminal reporting `colors` colours, unless colour is switched off.
    public init(colors: Int, noColor: Bool) {
        if noColor || colors < 8 {
            self = .monochrome
        } else if colors < 256 {
            self = .ansi16
        } else {
            self = .xterm256
        }
    }
}
