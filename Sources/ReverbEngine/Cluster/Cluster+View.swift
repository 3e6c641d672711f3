import Foundation
import NIOCore
import Synchronization

/// Cluster-wide counts for a watching console (docs/console.md, "Attached to a cluster"). Nothing here runs
/// unless a console asked for a snapshot in the last few seconds: then this node keeps `{P}:watched` set and
/// reads every app's counts with one script per heartbeat, and every node that sees the mark publishes its
/// connection rows under `{P}:sockets:{node}`, so a console on any node lists them and can kick them.
extension Cluster {
    /// How long one console snapshot keeps the view fresh (the console asks four times a second).
    static let watchSeconds: TimeInterval = 3
    static let watchedMilliseconds = "3000"
    /// A node with more sockets than this publishes no rows (counts still come from the cluster state), as the
    /// console skips rows on large servers.
    static let publishedRowLimit = 2_000

    /// A console is watching: keep the cluster-wide view fresh for the next few seconds.
    func watch() {
        let now = Date()
        let started = watching.withLock { watch in
            defer { watch.watchedUntil = now.addingTimeInterval(Self.watchSeconds) }
            return !watch.isWatched(at: now)
        }
        guard started, commands.isConnected else { return }
        commands.sendAndForget(["SET", key("watched"), "1", "PX", Self.watchedMilliseconds])
        refreshView()
    }

    /// The view for snapshots: only while watched, connected and read within the last few seconds.
    var currentView: ClusterView? {
        guard commands.isConnected else { return nil }
        let now = Date()
        return watching.withLock { watch in
            guard watch.isWatched(at: now), let view = watch.view,
                now.timeIntervalSince(view.takenAt) < Self.watchSeconds
            else { return nil }
            return view
        }
    }

    /// The heartbeat's part: publish this node's rows while any node is watched; read the view while this one is.
    func watchHeartbeat(connections: Int) {
        commands.send(["EXISTS", key("watched")]).whenSuccess { reply in
            guard reply.int == 1 else { return }
            self.publishRows(connections: connections)
        }
        let watched = watching.withLock { watch in
            if watch.isWatched(at: Date()) { return true }
            watch.view = nil
            return false
        }
        guard watched else { return }
        commands.sendAndForget(["SET", key("watched"), "1", "PX", Self.watchedMilliseconds])
        refreshView()
    }

    private func publishRows(connections: Int) {
        var rows: [ConnectionSnapshot] = []
        if connections <= Self.publishedRowLimit {
            rows = engine.snapshot(listeningAddress: "", fileLimit: 0, includingConnections: true).apps
                .flatMap(\.connections)
        }
        // Written by hand as the console stream writes rows: JSONEncoder would cost more than the rest of the view.
        var buffer = ByteBufferAllocator().buffer(capacity: 2 + rows.count * 220)
        buffer.writeInteger(UInt8(ascii: "["))
        ConsoleStreamFrameWriter.writeRows(rows, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "]"))
        commands.sendAndForget(["SET", key("sockets", nodeID), String(buffer: buffer), "PX", Self.watchedMilliseconds])
    }

    private func refreshView() {
        let apps = engine.directory.all.map(\.id)
        commands.send(["EVALSHA", ClusterScripts.view.sha, "0", prefix] + apps).whenSuccess { reply in
            let view = ClusterView(reply: reply, thisNode: self.nodeID, nodes: self.clusterState.nodes, takenAt: Date())
            self.watching.withLock { $0.view = view }
        }
    }
}

extension ClusterView {
    /// Reads the `view` script's reply; rows of this node are left out (the snapshot has them first-hand).
    init(reply: RESPValue, thisNode: String, nodes: [ClusterState.Node], takenAt: Date) {
        let parts = reply.array ?? []
        let apps = (parts.first?.array ?? []).compactMap { item -> App? in
            guard let fields = item.array, fields.count == 3, let id = fields[0].string else { return nil }
            let byNode = Dictionary(fields[1].pairs.map { ($0.0, Int($0.1) ?? 0) }, uniquingKeysWith: { a, _ in a })
            let channels = (fields[2].array ?? []).compactMap(Self.channel).sorted { $0.name < $1.name }
            return App(id: id, connectionsByNode: byNode, channels: channels)
        }
        let addresses = Dictionary(nodes.map { ($0.id, $0.address) }, uniquingKeysWith: { a, _ in a })
        let decoder = ConsoleStreamCoding.decoder()
        var rows: [ConnectionSnapshot] = []
        for (node, text) in (parts.count > 1 ? parts[1] : .null).pairs where node != thisNode {
            guard let decoded = try? decoder.decode([ConnectionSnapshot].self, from: Data(text.utf8)) else { continue }
            let name = addresses[node].flatMap { $0.isEmpty ? nil : $0 } ?? node
            rows += decoded.map { row in
                var row = row
                row.node = name
                return row
            }
        }
        self.init(takenAt: takenAt, apps: apps, connections: rows)
    }

    private static func channel(_ item: RESPValue) -> Channel? {
        guard let fields = item.array, fields.count == 4, let name = fields[0].string else { return nil }
        let info = Dictionary(fields[3].pairs, uniquingKeysWith: { a, _ in a })
        let members = fields[2].pairs.map { user, sockets in
            MemberSnapshot(userID: user, userInfo: userInfo(info[user]), connections: Int(sockets) ?? 0)
        }.sorted { $0.userID < $1.userID }
        return Channel(name: name, subscriptions: fields[1].int ?? 0, members: members)
    }

    /// `user_info` of a member JSON as compact text, `null` when absent.
    private static func userInfo(_ member: String?) -> String {
        guard let member, let value = try? JSONParser.parse(member), let info = value["user_info"] else {
            return "null"
        }
        return info.jsonText
    }
}
