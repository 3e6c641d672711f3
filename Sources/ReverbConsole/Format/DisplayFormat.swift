import Foundation

/// Short, fixed-width-friendly renderings of numbers, durations and times for the panes.
public enum DisplayFormat {
    /// `42s`, `3m12s`, `1h02m`, `2d03h`; negative spans count as zero.
    public static func duration(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(twoDigits(total % 60))s" }
        if total < 86_400 { return "\(total / 3600)h\(twoDigits(total % 3600 / 60))m" }
        return "\(total / 86_400)d\(twoDigits(total % 86_400 / 3600))h"
    }

    /// `hh:mm:ss` for an uptime.
    public static func uptime(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds))
        let days = total / 86_400
        let clock = "\(twoDigits(total % 86_400 / 3600)):\(twoDigits(total % 3600 / 60)):\(twoDigits(total % 60))"
        return days > 0 ? "\(days)d \(clock)" : clock
    }

    /// `999`, `1.2k`, `34k`, `1.5M`.
    public static func count(_ value: Int) -> String {
        let magnitude = abs(value)
        if magnitude < 1000 { return String(value) }
        if magnitude < 10_000 { return oneDecimal(Double(value) / 1000) + "k" }
        if magnitude < 1_000_000 { return "\(value / 1000)k" }
        return oneDecimal(Double(value) / 1_000_000) + "M"
    }

    /// A per-second rate: `0`, `3.5`, `12`, `1.2k`.
    public static func rate(_ perSecond: Double) -> String {
        if perSecond <= 0 { return "0" }
        if perSecond < 10 { return oneDecimal(perSecond) }
        return count(Int(perSecond.rounded()))
    }

    /// `812 KB`, `23.4 MB`, `1.2 GB`.
    public static func bytes(_ value: Int) -> String {
        let kb = Double(value) / 1024
        if kb < 1024 { return "\(Int(kb.rounded())) KB" }
        let mb = kb / 1024
        if mb < 1024 { return oneDecimal(mb) + " MB" }
        return oneDecimal(mb / 1024) + " GB"
    }

    /// `hh:mm:ss.mmm` of `date` in a zone `offsetSeconds` east of UTC, by arithmetic (no formatter per row).
    public static func clock(_ date: Date, offsetSeconds: Int) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded()) + offsetSeconds * 1000
        let day = 86_400_000
        let inDay = ((milliseconds % day) + day) % day
        let seconds = inDay / 1000
        let millis = inDay % 1000
        let millisText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : String(millis)
        return "\(twoDigits(seconds / 3600)):\(twoDigits(seconds % 3600 / 60)):\(twoDigits(seconds % 60)).\(millisText)"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
