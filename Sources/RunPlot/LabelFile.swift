import JSONText

/// NAB's label file: `{"realKnownCause/nyc_taxi.csv": [["2014-10-30 15:30:00.000000", "…"], …], …}`.
public struct LabelFile: Sendable {
    public let path: String
    public let windows: [String: [LabelWindow]]

    public init(path: String, windows: [String: [LabelWindow]]) {
        self.path = path
        self.windows = windows
    }

    public static func read(path: String) throws(PlotError) -> LabelFile {
        let lines = try TextLines(path: path)
        var bytes: [UInt8] = []
        while let line = lines.next() { bytes += line.utf8 + [UInt8(ascii: "\n")] }
        guard let members = (try? JSONParser.parse(bytes, maximumDepth: 8))?.members else {
            throw .badLabels(path: path, reason: "not a JSON object")
        }
        var windows: [String: [LabelWindow]] = [:]
        for member in members {
            let key = member.key
            guard let pairs = member.value.array?.map(\.array), !pairs.contains(where: { $0 == nil }) else {
                throw .badLabels(path: path, reason: "\"\(key)\" is not a list of [start, end]")
            }
            windows[key] = try pairs.map { pair throws(PlotError) in
                guard let pair, pair.count == 2, let start = pair[0].string.flatMap({ Timestamp.seconds($0[...]) }),
                    let end = pair[1].string.flatMap({ Timestamp.seconds($0[...]) })
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
        throw .labelsKeyNotFound(key: wanted, nearMatches: nearMatches(wanted), example: windows.keys.min())
    }

    static func lastTwoComponents(_ path: String) -> String {
        path.split(separator: "/").suffix(2).joined(separator: "/")
    }

    /// Keys with the same file name; failing that, keys whose file name contains the wanted one's stem (or
    /// the other way round) or is a few edits from it, closest first; at most five.
    func nearMatches(_ key: String) -> [String] {
        func fileName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
        func stem(_ name: String) -> String { name.split(separator: ".").first.map(String.init) ?? name }
        let name = fileName(key), wantedStem = stem(name)
        let sameName = windows.keys.filter { fileName($0) == name }.sorted()
        if !sameName.isEmpty { return Array(sameName.prefix(5)) }
        let close = windows.keys.filter { candidate in
            let candidateStem = stem(fileName(candidate))
            let contains = wantedStem.count >= 3 && (candidateStem.contains(wantedStem) || wantedStem.contains(candidateStem))
            return contains || EditDistance.between(fileName(candidate), name) <= max(2, name.count / 4)
        }
        return close.map { (key: $0, distance: EditDistance.between($0, key)) }
            .sorted { ($0.distance, $0.key) < ($1.distance, $1.key) }.prefix(5).map(\.key)
    }
}
