import Foundation
import ReverbEngine

/// Which stream rows are shown: a case-insensitive text over type, socket, channel, event, details
/// and payload, and the categories switched off.
public struct StreamFilter: Hashable, Sendable {
    public var text: String
    public var hiddenCategories: Set<StreamCategory>

    public init(text: String = "", hiddenCategories: Set<StreamCategory> = []) {
        self.text = text
        self.hiddenCategories = hiddenCategories
    }

    /// True when every row passes.
    public var isEmpty: Bool { text.isEmpty && hiddenCategories.isEmpty }

    /// Whether `event` is shown.
    public func matches(_ event: EngineEvent) -> Bool {
        if hiddenCategories.contains(StreamCategory(event.kind)) { return false }
        guard !text.isEmpty else { return true }
        return Self.contains(event.kind.rawValue, text)
            || Self.contains(event.socketID, text)
            || Self.contains(event.channel, text)
            || Self.contains(event.event, text)
            || Self.contains(event.detail, text)
            || Self.contains(event.payload, text)
            || Self.contains(event.code.map(String.init), text)
    }

    private static func contains(_ field: String?, _ needle: String) -> Bool {
        guard let field else { return false }
        return field.range(of: needle, options: [.caseInsensitive]) != nil
    }
}
