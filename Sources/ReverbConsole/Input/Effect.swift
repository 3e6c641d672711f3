/// What the terminal loop must do after the reducer ran (htop's handler result, Bubble Tea's Cmd):
/// the reducer itself never performs I/O.
public enum Effect: Hashable, Sendable {
    case none
    /// Leave the console; the server shuts down.
    case quit
    /// Execute a command against the engine and flash its result.
    case run(EngineCommand)
    /// Write the visible stream rows to a JSON Lines file.
    case exportStream
    /// Load and apply the theme with this name.
    case applyTheme(String)
    /// Switch mouse reporting on or off.
    case setMouse(Bool)
}
