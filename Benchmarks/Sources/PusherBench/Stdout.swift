#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Flushes every C stream; result lines must reach a pipe as soon as they are printed.
func fflushStdout() { fflush(nil) }
