import Testing

@testable import ReverbEngine

@Suite("Origins")
struct OriginPolicyTests {
    @Test(
        "Reverb's origin cases",
        arguments: [
            ("http://localhost", ["laravel.com"], false),
            ("http://sub.laravel.com", ["laravel.com"], false),
            ("http://laravel.com", ["*.laravel.com"], false),
            ("http://localhost", ["localhost"], true),
            ("http://sub.localhost", ["localhost", "*.localhost"], true),
            ("https://laravel.com:8443", ["laravel.com"], true),
            ("anything", ["*"], true),
        ])
    func cases(origin: String, patterns: [String], allowed: Bool) {
        #expect(OriginPolicy.allows(origin, patterns: patterns) == allowed)
    }

    @Test func missingOrigin() {
        #expect(!OriginPolicy.allows(nil, patterns: ["laravel.com"]))
        #expect(OriginPolicy.allows(nil, patterns: ["*"]))
    }
}
