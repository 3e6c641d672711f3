#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import NIOCore
import Synchronization

/// Keeps a few file descriptors free by refusing accepted sockets before the process reaches its open-file limit.
///
/// The process must never use its last descriptors: once a second libdispatch (under Swift concurrency and the
/// signal sources) opens `/proc/<tid>/stat` for each of its worker threads and traps with SIGILL when that
/// `open` fails, so a server that lets `accept` take every descriptor dies at the limit instead of waiting.
/// The budget counts accepted sockets that are still open on top of the descriptors the process held otherwise
/// (counted from `/proc/self/fd`, recounted at most ten times a second once the estimate comes near the limit).
/// The limit is read on every check because an operator may lower it with `prlimit` while the server runs.
final class FileDescriptorBudget: Sendable {
    /// Accepted sockets not yet closed.
    private let accepted = Atomic<Int>(0)
    /// Descriptors open besides the accepted sockets, as last counted.
    private let others = Atomic<Int>(0)
    /// When `others` was last counted (monotonic nanoseconds), so a busy server near its limit recounts at most
    /// ten times a second.
    private let countedAt = Atomic<UInt64>(0)

    /// The soft open-file limit now.
    private let limit: @Sendable () -> Int
    /// Descriptors the process has open now, nil where that cannot be read.
    private let openDescriptors: @Sendable () -> Int?

    init(
        limit: @escaping @Sendable () -> Int = FileDescriptorBudget.openFileLimit,
        openDescriptors: @escaping @Sendable () -> Int? = FileDescriptorBudget.openDescriptorCount
    ) {
        self.limit = limit
        self.openDescriptors = openDescriptors
        recount(now: NIODeadline.now().uptimeNanoseconds)
    }

    /// How far from the limit (besides the reserve) the estimate is trusted without counting again.
    static let margin = 64

    /// Descriptors kept free: enough for libdispatch's probe, a `/proc` read and an outbound connection, and a
    /// hundredth of a large limit (at most 32) for the Redis and webhook clients.
    static func reserve(limit: Int) -> Int {
        max(4, min(32, limit / 100))
    }

    /// Records an accepted socket (released when it closes) and says whether there was room for it; a socket
    /// admitted without room must be closed at once by the caller.
    func admit(_ child: any Channel) -> Bool {
        accepted.add(1, ordering: .relaxed)
        child.closeFuture.whenComplete { _ in self.accepted.subtract(1, ordering: .relaxed) }
        return hasRoom(forMore: 0)
    }

    /// Whether `more` further sockets (besides those already counted) leave at least the reserve free.
    func hasRoom(forMore more: Int) -> Bool {
        let limit = self.limit()
        let needed = accepted.load(ordering: .relaxed) + more + Self.reserve(limit: limit)
        // Far from the limit the estimate is good enough; near it, count again (other descriptors may have been
        // opened or closed since) before deciding.
        if others.load(ordering: .relaxed) + needed + Self.margin <= limit { return true }
        let now = NIODeadline.now().uptimeNanoseconds
        if now &- countedAt.load(ordering: .relaxed) > 100_000_000 { recount(now: now) }
        return others.load(ordering: .relaxed) + needed <= limit
    }

    /// Marks the count stale after an `accept` failed, so the next check counts again.
    func invalidate() {
        countedAt.store(0, ordering: .relaxed)
    }

    private func recount(now: UInt64) {
        countedAt.store(now, ordering: .relaxed)
        guard let open = openDescriptors() else { return }
        others.store(max(0, open - accepted.load(ordering: .relaxed)), ordering: .relaxed)
    }

    /// The soft `RLIMIT_NOFILE`.
    static func openFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return Int.max }
        return Int(clamping: limit.rlim_cur)
    }

    /// Entries of `/proc/self/fd` (less the one `opendir` itself holds); nil where it cannot be read.
    static func openDescriptorCount() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != CChar(UInt8(ascii: ".")) { count += 1 }
        }
        return count - 1
    }
}
