import Foundation
import ReverbEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A running server's entry in the runtime directory: `{dir}/{fingerprint}/{pid}.pid`, held under an exclusive
/// `flock` for the life of the process. The lock is what proves the server is alive: the kernel drops it when
/// the process ends however it ends, so a stale file (a crash, `kill -9`) is never mistaken for a server and its
/// pid, perhaps reused by now, is never signalled.
final class ServerRegistration {
    let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// `$REVERB_RUNTIME_DIR`, else `/tmp/reverb-tui-{uid}`. Not `$XDG_RUNTIME_DIR`: a systemd service has none
    /// while a login shell has one, and `restart` run from the shell must find the service.
    static func runtimeDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["REVERB_RUNTIME_DIR"], !explicit.isEmpty { return explicit }
        return "/tmp/reverb-tui-\(getuid())"
    }

    /// A folder another user made in /tmp could hold planted entries: only our own is trusted.
    static func isOwnFolder(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return info.st_uid == getuid() && (info.st_mode & S_IFMT) == S_IFDIR && (info.st_mode & 0o022) == 0
    }

    /// Registers this process under `fingerprint`. Nil (and the server runs on, unregistered) when the directory
    /// cannot be written; `restart` then cannot reach it, which `reason` says.
    static func register(fingerprint: String, details: String) -> Result<ServerRegistration, RegistrationError> {
        let base = runtimeDirectory()
        let directory = base + "/" + fingerprint
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return .failure(RegistrationError(reason: "cannot create \(directory): \(error.localizedDescription)"))
        }
        guard isOwnFolder(base) else {
            return .failure(RegistrationError(reason: "\(base) belongs to another user or others may write to it"))
        }
        let path = "\(directory)/\(getpid()).pid"
        let descriptor = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            return .failure(RegistrationError(reason: "cannot write \(path): \(String(cString: strerror(errno)))"))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return .failure(RegistrationError(reason: "cannot lock \(path)"))
        }
        let text = "\(getpid())\n\(details)\n"
        _ = text.withCString { write(descriptor, $0, strlen($0)) }
        return .success(ServerRegistration(path: path, descriptor: descriptor))
    }

    /// Removes the entry (graceful stop). The lock goes with the descriptor.
    func remove() {
        unlink(path)
        close(descriptor)
        // The fingerprint's folder goes with its last server (rmdir leaves a folder that still has entries).
        rmdir((path as NSString).deletingLastPathComponent)
    }

    /// Why a server could not register.
    struct RegistrationError: Error {
        var reason: String
    }

    /// A registered server found by `restart` or `doctor`.
    struct Entry {
        var pid: pid_t
        var path: String
        var details: String
    }

    /// The live servers registered under `fingerprint`; stale entries (no lock holder) are deleted on the way.
    static func running(fingerprint: String) -> [Entry] {
        let directory = runtimeDirectory() + "/" + fingerprint
        guard isOwnFolder(runtimeDirectory()) else { return [] }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var entries: [Entry] = []
        for name in names.sorted() where name.hasSuffix(".pid") {
            let path = directory + "/" + name
            guard let pid = pid_t(name.dropLast(4)) else { continue }
            if isLocked(path) {
                let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n") ?? []
                entries.append(Entry(pid: pid, path: path, details: lines.dropFirst().joined(separator: " ")))
            } else {
                unlink(path)
            }
        }
        return entries
    }

    /// True while the server that wrote `path` still runs (it holds the lock).
    static func isLocked(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}
