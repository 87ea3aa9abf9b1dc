import Foundation

/// NAB's label file: `{"realKnownCause/nyc_taxi.csv": [["2014-10-30 15:30:00.000000", "…"], …], …}`.
public struct LabelFile: Sendable {
    public let path: String
    public let windows: [String: [LabelWindow]]

    public init(path: String, windows: [String: [LabelWindow]]) {
        self.path = path
        self.windows = windows
    }

    public static func read(path: String) throws(PlotError) -> LabelFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .cannotOpen(path: path, reason: (error as NSError).localizedDescription)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .badLabels(path: path, reason: "not a JSON object")
        }
        var windows: [String: [LabelWindow]] = [:]
        for (key, value) in object {
            guard let pairs = value as? [[Any]] else { throw .badLabels(path: path, reason: "\"\(key)\" is not a list of [start, end]") }
            windows[key] = try pairs.map { pair throws(PlotError) in
                guard pair.count == 2, let start = (pair[0] as? String).flatMap({ Timestamp.seconds($0[...]) }),
                    let end = (pair[1] as? String).flatMap({ Timestamp.seconds($0[...]) })
                else { throw .badLabels(path: path, reason: "a window of \"\(key)\" is not two timestamps") }
                return LabelWindow(start: start, end: end)
            }
        }
        return LabelFile(path: path, windows: windows)
    }

    /// The windows under `key`, or under the input path's last two components ("realKnownCause/nyc_taxi.csv").
    public func windows(key: String?, inputPath: String?) throws(PlotError) -> [LabelWindow] {
        guard let wanted = key ?? inputPath.map(Self.lastTwoComponents) else { throw .labelsKeyUnknown }
        if let found = windows[wanted] { return found }
        throw .labelsKeyNotFound(key: wanted, nearMatches: nearMatches(wanted))
    }

    static func lastTwoComponents(_ path: String) -> String {
        path.split(separator: "/").suffix(2).joined(separator: "/")
    }

    /// Keys with the same file name first, then those closest in edit distance; at most five.
    func nearMatches(_ key: String) -> [String] {
        let name = key.split(separator: "/").last.map(String.init) ?? key
        let sameName = windows.keys.filter { $0.split(separator: "/").last.map(String.init) == name }.sorted()
        if !sameName.isEmpty { return Array(sameName.prefix(5)) }
        let scored = windows.keys.map { (key: $0, distance: EditDistance.between($0, key)) }
        let close = scored.filter { $0.distance <= max(3, key.count / 3) }
        return close.sorted { ($0.distance, $0.key) < ($1.distance, $1.key) }.prefix(5).map(\.key)
    }
}
