/// Thins a long series for drawing by keeping each bucket's lowest and highest point, so a one-record
/// spike still shows at any zoom while the point count stays bounded.
public enum Downsampler {
    /// At most `maxPoints` of `points` (sorted by x), in x order; series that already fit come back as they are.
    public static func minMax(_ points: [SeriesPoint], maxPoints: Int = 4000) -> [SeriesPoint] {
        precondition(maxPoints >= 2, "a min-max bucket needs room for two points")
        guard points.count > maxPoints, let first = points.first, let last = points.last else { return points }
        let bucketCount = maxPoints / 2
        let span = last.x - first.x
        var lowest = [Int?](repeating: nil, count: bucketCount)
        var highest = [Int?](repeating: nil, count: bucketCount)
        for (index, point) in points.enumerated() {
            let position = span > 0 ? (point.x - first.x) / span * Double(bucketCount) : 0
            let bucket = min(bucketCount - 1, max(0, Int(position)))
            if lowest[bucket].map({ point.y < points[$0].y }) ?? true { lowest[bucket] = index }
            if highest[bucket].map({ point.y > points[$0].y }) ?? true { highest[bucket] = index }
        }
        var kept: [SeriesPoint] = []
        kept.reserveCapacity(maxPoints)
        for bucket in 0..<bucketCount {
            guard let low = lowest[bucket], let high = highest[bucket] else { continue }
            for index in Set([low, high]).sorted() { kept.append(points[index]) }
        }
        return kept
    }
}
