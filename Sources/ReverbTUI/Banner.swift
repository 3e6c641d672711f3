import ReverbEngine

/// The start-up lines: Reverb's `INFO  Starting server on host:port.` plus apps, TLS and the file limit.
enum Banner {
    static func print(server: ReverbServer, loaded: ConfigurationLoader.Result, write: (String) -> Void) {
        let configuration = loaded.configuration
        let secure = configuration.tls != nil ? "secure " : ""
        var address = server.listeningAddress
        if let hostname = configuration.hostname, hostname != configuration.host { address += " (\(hostname))" }
        write("")
        write("  INFO  Starting \(secure)server on \(address).")
        write("")
        for app in configuration.apps {
            // Only the development app's secret is public knowledge; a configured secret never reaches a log.
            if loaded.usesDevelopmentApp {
                write("  App \(app.id)  key \(app.key)  secret \(app.secret)  [built-in development app]")
            } else {
                write("  App \(app.id)  key \(app.key)  secret (set, not shown)")
            }
        }
        write("  TLS \(configuration.tls != nil ? "on" : "off")  ·  open-file limit \(server.openFileLimit)")
        if let certificate = loaded.discoveredCertificate {
            write("  TLS certificate from Herd/Valet for \(configuration.hostname ?? ""): \(certificate)")
        }
        if let cluster = server.clusterState {
            write(
                "  Scaling on  ·  \(cluster.redisAddress) \(cluster.redisStatus)  ·  channel "
                    + "\(configuration.scaling.channel)  ·  node \(cluster.nodeID)")
        } else {
            write("  Scaling off")
        }
        if configuration.allowAttach {
            let scheme = configuration.tls != nil ? "wss" : "ws"
            write("  Console stream on (--allow-attach): reverb-tui attach \(scheme)://\(server.listeningAddress)")
        }
        if !loaded.filesRead.isEmpty { write("  Configuration read from \(loaded.filesRead.joined(separator: ", "))") }
        write("")
    }
}
