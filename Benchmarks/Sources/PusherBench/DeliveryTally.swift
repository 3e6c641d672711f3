import BenchCore
import Synchronization

/// What a publishing scenario delivered, read once from the publisher and the sink: loss, duplicates, failures
/// and the throughput window, as the `fanout` and `channels` result lines report them.
struct DeliveryTally {
    let published: Int
    let expected: Int
    let received: Int
    let duplicates: Int
    let failures: Int
    /// Seconds from the first publish to the last delivery.
    let window: Double

    /// `expectedPerPublish` is how many deliveries one successful publish should make; `missingSockets` are
    /// sockets that never got ready.
    init(
        publisher: Publisher, sink: SocketSink, expectedPerPublish: Int, publishedPerRequest: Int = 1,
        missingSockets: Int, firstSend: UInt64
    ) {
        published = publisher.ok.load(ordering: .relaxed) * publishedPerRequest
        expected = published * expectedPerPublish
        received = sink.received.load(ordering: .relaxed)
        duplicates = sink.duplicates.load(ordering: .relaxed)
        failures =
            missingSockets + publisher.failed.load(ordering: .relaxed) + sink.droppedAfterReady.load(ordering: .relaxed)
        let last = sink.lastReceiveMicros.load(ordering: .relaxed)
        window = last > firstSend ? Double(last - firstSend) / 1e6 : 0
    }

    var delivered: Int { received - duplicates }
    var lost: Int { max(0, expected - delivered) }
    var ok: Bool { failures == 0 && lost == 0 && duplicates == 0 && published > 0 }

    /// `expected` through `latency_us`, in the order the result lines carry them.
    func members(latency: JSONValue) -> [(String, JSONValue)] {
        [
            ("expected", .int(expected)),
            ("delivered", .int(delivered)),
            ("lost", .int(lost)),
            ("duplicates", .int(duplicates)),
            ("failures", .int(failures)),
            ("elapsed_s", .double(window)),
            ("delivered_per_s", .double(window > 0 ? Double(delivered) / window : 0)),
            ("latency_us", latency),
        ]
    }
}
