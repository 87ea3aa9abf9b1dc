import Foundation
import Testing

@testable import RunPlot

@Suite struct DownsamplerTests {
    static func wave(count: Int) -> [SeriesPoint] {
        (0..<count).map { SeriesPoint(x: Double($0), y: sin(Double($0) * 0.01)) }
    }

    @Test("a long series is cut to at most maxPoints, in x order")
    func boundsTheCount() {
        for count in [4001, 10_000, 123_457] {
            let kept = Downsampler.minMax(Self.wave(count: count), maxPoints: 4000)
            #expect(kept.count <= 4000)
            #expect(kept.count > 3000, "each bucket keeps its lowest and highest point")
            #expect(zip(kept, kept.dropFirst()).allSatisfy { $0.x < $1.x })
        }
    }

    @Test("one-record spikes up and down survive thinning, and so do the ends' extremes")
    func keepsExtremes() {
        var points = Self.wave(count: 100_000)
        points[31_337].y = 50
        points[77_001].y = -40
        let kept = Downsampler.minMax(points, maxPoints: 1000)
        #expect(kept.count <= 1000)
        #expect(kept.contains(SeriesPoint(x: 31_337, y: 50)))
        #expect(kept.contains(SeriesPoint(x: 77_001, y: -40)))
        let expectedMaximum = points.filter { $0.x != 31_337 }.map(\.y).max()!
        #expect(kept.filter { $0.x != 31_337 }.map(\.y).max() == expectedMaximum)
    }

    @Test("a series that fits comes back unchanged")
    func shortSeriesUnchanged() {
        let points = Self.wave(count: 300)
        #expect(Downsampler.minMax(points, maxPoints: 4000) == points)
        #expect(Downsampler.minMax([], maxPoints: 4000).isEmpty)
    }
}
