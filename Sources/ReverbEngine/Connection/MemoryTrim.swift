#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import Synchronization

/// Hands freed heap memory back to the system after a large free (a dropped slow client's queue), so the
/// resident size falls after a peak instead of staying at its high-water mark. glibc keeps freed small chunks
/// in its arenas; `malloc_trim` returns the free pages. At most once a second; a no-op where it is missing.
enum MemoryTrim {
    private static let lastTrim = Atomic<Int64>(0)

    /// `force` skips the once-a-second limit, for callers that know a burst has just ended.
    static func afterLargeFree(force: Bool = false) {
        #if canImport(Glibc)
            let now = Int64(NIODeadline.now().uptimeNanoseconds / 1_000_000_000)
            let last = lastTrim.load(ordering: .relaxed)
            guard
                force
                    || (now > last
                        && lastTrim.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged)
            else { return }
            _ = trim?(0)
        #endif
    }

    #if canImport(Glibc)
        /// `malloc_trim`, looked up at run time: Swift's Glibc module does not import `<malloc.h>`.
        private static let trim: (@convention(c) (Int) -> Int32)? = {
            guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
            return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        }()
    #endif
}
