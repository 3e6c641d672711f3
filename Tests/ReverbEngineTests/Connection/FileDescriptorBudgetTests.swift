#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import ReverbEngine

@Suite("The file-descriptor budget keeps a reserve free")
struct FileDescriptorBudgetTests {
    @Test("the reserve is at least 4, a hundredth of a large limit, at most 32")
    func reserve() {
        #expect(FileDescriptorBudget.reserve(limit: 40) == 4)
        #expect(FileDescriptorBudget.reserve(limit: 1_024) == 10)
        #expect(FileDescriptorBudget.reserve(limit: 20_000) == 32)
        #expect(FileDescriptorBudget.reserve(limit: 1_048_576) == 32)
    }

    @Test("the count of open descriptors follows opens and closes")
    func countsDescriptors() throws {
        // Other tests open and close descriptors concurrently: retry until one quiet measurement.
        var matched = false
        for _ in 0..<20 where !matched {
            let before = try #require(FileDescriptorBudget.openDescriptorCount())
            let opened = (0..<3).map { _ in open("/dev/null", O_RDONLY) }
            let during = try #require(FileDescriptorBudget.openDescriptorCount())
            opened.forEach { _ = close($0) }
            let after = try #require(FileDescriptorBudget.openDescriptorCount())
            matched = during == before + 3 && after == before
        }
        #expect(matched)
    }

    @Test("a socket that would eat into the reserve is refused, and its close gives the room back")
    func refusesNearTheLimit() async throws {
        // A process with 10 other descriptors and a limit of 60: the reserve is 4, so 46 sockets fit. The count
        // the budget reads follows the sockets it is given (the real count is checked above; other suites open
        // and close descriptors meanwhile, which would move the point of refusal here).
        let open = OpenSockets()
        let budget = FileDescriptorBudget(limit: { 60 }, openDescriptors: { 10 + open.count.load(ordering: .relaxed) })
        var channels: [EmbeddedChannel] = []
        var refused: EmbeddedChannel?
        for _ in 0..<100 where refused == nil {
            let channel = EmbeddedChannel()
            open.count.add(1, ordering: .relaxed)
            if budget.admit(channel) { channels.append(channel) } else { refused = channel }
        }
        let last = try #require(refused, "no socket was refused up to the limit")
        #expect(channels.count == 46)
        #expect(!budget.hasRoom(forMore: 1))
        try await release(channels.removeLast(), counting: open)
        #expect(!budget.hasRoom(forMore: 1), "the refused socket still holds a descriptor")
        try await release(last, counting: open)
        #expect(budget.hasRoom(forMore: 1))
        #expect(!budget.hasRoom(forMore: 2))
        for channel in channels { try await release(channel, counting: open) }
    }

    private func release(_ channel: EmbeddedChannel, counting open: OpenSockets) async throws {
        try await channel.close()
        channel.embeddedEventLoop.run()
        open.count.subtract(1, ordering: .relaxed)
    }

    /// The sockets the test holds, for the descriptor count it gives the budget.
    private final class OpenSockets: Sendable {
        let count = Atomic<Int>(0)
    }
}
