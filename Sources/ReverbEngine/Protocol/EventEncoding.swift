import NIOCore

/// The two member orders Reverb uses for a published event; clients that compare bytes see each endpoint's own.
enum EventEncoding: Sendable {
    /// `POST /events` and console injections: `{"event","data","channel"}`.
    case triggered
    /// `POST /batch_events` items: `{"event","channel","data"}`.
    case batchItem

    func encode(name: String, data: String, channel: String) -> ByteBuffer {
        switch self {
        case .triggered: ServerMessage.event(name: name, data: data, channel: channel)
        case .batchItem: ServerMessage.batchEvent(name: name, data: data, channel: channel)
        }
    }
}
