/// `server.options.tls` of the JSON file: Reverb's PHP SSL context options (`config/reverb.php`), of which the
/// certificate (`local_cert`), its key (`local_pk`) and the key's `passphrase` apply. Null values are dropped as
/// Reverb drops them; PHP's other context options are accepted so a copied `reverb.php` block loads, and have no
/// effect (docs/tls.md).
enum TLSOptions {
    static let used = ["local_cert", "local_pk", "passphrase"]
    static let acceptedWithoutEffect = [
        "verify_peer", "verify_peer_name", "allow_self_signed", "cafile", "capath", "peer_name", "ciphers",
        "crypto_method", "disable_compression", "SNI_enabled", "security_level",
    ]

    /// The TLS files the options name, or nil when they name neither a certificate nor a key.
    static func files(
        _ value: JSONValue, at key: String, reader: ConfigurationFile.Reader
    ) throws(ConfigurationError) -> ServerConfiguration.TLSFiles? {
        let members = try reader.object(value, at: key, allowed: used + acceptedWithoutEffect)
        func text(_ name: String) throws(ConfigurationError) -> String? {
            guard let value = members[name], !value.isNull else { return nil }
            return try reader.string(value, at: "\(key).\(name)")
        }
        let certificate = try text("local_cert")
        let privateKey = try text("local_pk")
        let passphrase = try text("passphrase")
        guard let certificate else {
            guard privateKey == nil else {
                throw ConfigurationError(
                    source: reader.path, key: "\(key).local_cert", value: "",
                    expected: "the certificate file that goes with local_pk")
            }
            return nil
        }
        // PHP accepts one PEM file holding both the certificate and its key as `local_cert` alone.
        return ServerConfiguration.TLSFiles(
            certificateChainPath: certificate, privateKeyPath: privateKey ?? certificate, passphrase: passphrase)
    }
}
