import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `doctor`'s Redis check: connect, `AUTH` when a password is set, `PING`, expect `+PONG`; two seconds at most.
/// One blocking function over a plain socket, so the check works whatever state the server's own Redis client is in.
enum RedisProbe {
    /// Where and how to reach Redis, from `REDIS_URL` or `REDIS_HOST`/`REDIS_PORT`/`REDIS_USERNAME`/`REDIS_PASSWORD`.
    struct Target {
        var host = "127.0.0.1"
        var port = 6379
        var username: String?
        var password: String?
        var tls = false

        /// Laravel's keys; `REDIS_URL` wins as it does in Laravel's `ConfigurationUrlParser`.
        init(values: [String: String]) {
            if let host = values["REDIS_HOST"], !host.isEmpty { self.host = host }
            if let port = values["REDIS_PORT"].flatMap({ Int($0) }) { self.port = port }
            if let user = values["REDIS_USERNAME"], !user.isEmpty, user != "null" { username = user }
            if let password = values["REDIS_PASSWORD"], !password.isEmpty, password != "null" {
                self.password = password
            }
            if let url = values["REDIS_URL"], !url.isEmpty, let parts = URLComponents(string: url) {
                tls = parts.scheme == "rediss" || parts.scheme == "tls"
                if let host = parts.host, !host.isEmpty { self.host = host }
                if let port = parts.port { self.port = port }
                if let user = parts.user, !user.isEmpty { username = user.removingPercentEncoding ?? user }
                if let password = parts.password { self.password = password.removingPercentEncoding ?? password }
            }
        }
    }

    /// nil when Redis answered PONG (after authenticating), else what went wrong.
    static func ping(_ target: Target, timeoutSeconds: Int = 2) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(target.host, String(target.port), &hints, &result) == 0, let first = result else {
            return "cannot resolve \(target.host)"
        }
        defer { freeaddrinfo(result) }
        let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard descriptor >= 0 else { return "cannot open a socket" }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            return "cannot connect to \(target.host):\(target.port): \(String(cString: strerror(errno)))"
        }
        if let password = target.password {
            let arguments = ["AUTH"] + (target.username.map { [$0] } ?? []) + [password]
            let reply = command(arguments, on: descriptor)
            guard reply.hasPrefix("+OK") else {
                return "AUTH refused: \(reply.isEmpty ? "no answer" : reply)"
            }
        }
        let reply = command(["PING"], on: descriptor)
        if reply.hasPrefix("+PONG") { return nil }
        if reply.hasPrefix("-NOAUTH") { return "Redis wants a password (set REDIS_PASSWORD): \(reply)" }
        return "PING answered \(reply.isEmpty ? "nothing" : reply)"
    }

    /// Sends one RESP command and returns the first reply line.
    private static func command(_ arguments: [String], on descriptor: Int32) -> String {
        var request = "*\(arguments.count)\r\n"
        for argument in arguments { request += "$\(argument.utf8.count)\r\n\(argument)\r\n" }
        let bytes = Array(request.utf8)
        guard send(descriptor, bytes, bytes.count, 0) == bytes.count else { return "" }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while !reply.contains(UInt8(ascii: "\n")) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            reply += buffer[0..<count]
        }
        return String(decoding: reply, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
