import Foundation
import ReverbEngine

/// Start-up refusals and failures as one readable line each, without library internals.
enum StartupChecks {
    /// A headless server whose config file or `.env` names no app would serve the development app and its
    /// published secret to the network: refuse instead. The console (a person at the terminal) may still use it.
    static func developmentAppRefusal(_ loaded: ConfigurationLoader.Result, headless: Bool) -> String? {
        guard headless, loaded.usesDevelopmentApp, !loaded.filesRead.isEmpty else { return nil }
        return "\(loaded.filesRead.joined(separator: " and ")) configure no app; refusing to serve the built-in "
            + "development app and its public secret. Set REVERB_APP_ID, REVERB_APP_KEY and REVERB_APP_SECRET "
            + "(or \"apps\" in the config file)."
    }
}
