import NIOCore

/// One command on its way to Redis and the promise its reply completes.
struct RedisRequest: Sendable {
    let arguments: [String]
    let promise: EventLoopPromise<RESPValue>?
}
