/// The fixed terminal palettes colours are downsampled to.
enum Palette {
    /// The 16 ANSI colours with xterm's canonical values, index = palette index.
    static let ansi: [(UInt8, UInt8, UInt8)] = [
        (0x00, 0x00, 0x00), (0x80, 0x00, 0x00), (0x00, 0x80, 0x00), (0x80, 0x80, 0x00),
        (0x00, 0x00, 0x80), (0x80, 0x00, 0x80), (0x00, 0x80, 0x80), (0xC0, 0xC0, 0xC0),
        (0x80, 0x80, 0x80), (0xFF, 0x00, 0x00), (0x00, 0xFF, 0x00), (0xFF, 0xFF, 0x00),
        (0x00, 0x00, 0xFF), (0xFF, 0x00, 0xFF), (0x00, 0xFF, 0xFF), (0xFF, 0xFF, 0xFF),
    ]

    /// Channel values of the 6×6×6 colour cube (indices 16–231).
    private static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The closest of the 16 ANSI colours by hue rather than distance: the 16 are too far apart for
    /// distance to keep a light red red (it would pick grey). Greys go to black, grey, silver or white by
    /// lightness; colours to the ANSI hue sector they fall in, bright when their strongest channel is high.
    static func nearestANSI(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> Int {
        let (r, g, b) = (Int(red), Int(green), Int(blue))
        let high = max(r, g, b)
        let low = min(r, g, b)
        if high - low < 48 {
            let lightness = (r + g + b) / 3
            let greys = [(0, 0), (128, 8), (192, 7), (255, 15)]
            return greys.min { abs($0.0 - lightness) < abs($1.0 - lightness) }?.1 ?? 7
        }
        let chroma = Double(high - low)
        var hue: Double
        if high == r {
            hue = Double(g - b) / chroma
        } else if high == g {
            hue = Double(b - r) / chroma + 2
        } else {
            hue = Double(r - g) / chroma + 4
        }
        hue = (hue * 60 + 360).truncatingRemainder(dividingBy: 360)
        // Sectors in hue order red, yellow, green, cyan, blue, magenta, as ANSI indices.
        let darkIndices = [1, 3, 2, 6, 4, 5]
        let sector = Int((hue / 60).rounded()) % 6
        return darkIndices[sector] + (high > 170 ? 8 : 0)
    }

    /// The nearest xterm-256 index. An exact ANSI colour keeps its index 0–15, so a 16-colour theme
    /// follows the terminal's own palette; anything else maps into the cube (16–231) or the grey ramp (232–255).
    static func nearestXterm256(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> Int {
        let target = (Int(red), Int(green), Int(blue))
        if let exact = ansi.firstIndex(where: { $0 == (red, green, blue) }) { return exact }
        let cube = (cubeIndex(target.0), cubeIndex(target.1), cubeIndex(target.2))
        let cubeColor = (cubeLevels[cube.0], cubeLevels[cube.1], cubeLevels[cube.2])
        let cubePalette = 16 + 36 * cube.0 + 6 * cube.1 + cube.2
        let average = (target.0 + target.1 + target.2) / 3
        let greyStep = min(23, max(0, (average - 3) / 10))
        let greyLevel = 8 + 10 * greyStep
        let greyPalette = 232 + greyStep
        let cubeDistance = distance(target, cubeColor)
        let greyDistance = distance(target, (greyLevel, greyLevel, greyLevel))
        return greyDistance < cubeDistance ? greyPalette : cubePalette
    }

    private static func cubeIndex(_ value: Int) -> Int {
        if value < 48 { return 0 }
        if value < 115 { return 1 }
        return (value - 35) / 40
    }

    /// A cheap perceptual distance ("redmean") so greens and blues are not weighed like reds.
    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let meanRed = (a.0 + b.0) / 2
        let dr = a.0 - b.0
        let dg = a.1 - b.1
        let db = a.2 - b.2
        return ((512 + meanRed) * dr * dr >> 8) + 4 * dg * dg + ((767 - meanRed) * db * db >> 8)
    }
}
