import Foundation

/// Finds the certificate Laravel Herd or Valet made for a site (`valet secure`, Herd's "Secure" switch), as
/// Reverb does when no TLS files are configured but a hostname is: `{hostname}.crt` and `{hostname}.key` in
/// Herd's or Valet's certificate folder.
public enum CertificateDiscovery {
    /// The folders searched, in order, under the home directory.
    public static let folders = [
        "Library/Application Support/Herd/config/valet/Certificates",
        ".config/herd/config/valet/Certificates",
        ".config/valet/Certificates",
        ".valet/Certificates",
    ]

    /// The pair for `hostname`, if one of the folders holds both files.
    public static func find(hostname: String, home: String) -> ServerConfiguration.TLSFiles? {
        let name = hostname.trimmingCharacters(in: .whitespaces)
        // A hostname is a file name here: refuse anything that could walk out of the folder.
        guard !name.isEmpty, !name.contains("/"), name != "..", !home.isEmpty else { return nil }
        for folder in folders {
            let directory = (home as NSString).appendingPathComponent(folder)
            let certificate = (directory as NSString).appendingPathComponent(name + ".crt")
            let key = (directory as NSString).appendingPathComponent(name + ".key")
            if FileManager.default.isReadableFile(atPath: certificate), FileManager.default.isReadableFile(atPath: key)
            {
                return ServerConfiguration.TLSFiles(certificateChainPath: certificate, privateKeyPath: key)
            }
        }
        return nil
    }
}
