import Foundation
import NIOCore

/// The attributes an API caller may ask for with `info=`.
struct InfoAttributes {
    var userCount = false
    var subscriptionCount = false
    var cache = false

    init(_ text: String?) {
        for item in (text ?? "").split(separator: ",") {
            switch item.trimmingCharacters(in: .whitespaces) {
            case "user_count": userCount = true
            case "subscription_count": subscriptionCount = true
            case "cache": cache = true
            default: break
            }
        }
    }
}
