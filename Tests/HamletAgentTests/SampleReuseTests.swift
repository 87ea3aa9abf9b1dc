import AudioCapture
import CAllocationCounter
import Foundation
import StreamFeatures
import Testing
import VectorStream

@testable import HamletAgent
import LearningPipeline

/// A loop that hands the same `Sample` to `next(into:)` allocates nothing per record once the
/// sample's storage has grown to the record's size: the sources write over it in place.
@Suite struct SampleReuseTests {
    @Test("CSV and JSON lines: 900 records into one sample allocate nothing", arguments: ["csv", "jsonl"])
    func fileRecords(format: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hamlet-sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("records.\(format)").path
        let rows = (0..<1_000).map { t in (0..<4).map { c in sin(0.01 * Double(t) + Double(c)) } }
        let lines =
            format == "csv"
            ? ["time,a,b,c,d"] + rows.enumerated().map { t, row in "\(1_700_000_000 + t)," + row.map { "\($0)" }.joined(separator: ",") }
            : rows.enumerated().map { t, row in "{\"time\": \(1_700_000_000 + t), \"a\": \(row[0]), \"b\": \(row[1]), \"c\": \(row[2]), \"d\": \(row[3])}" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var options = VectorReaderOptions()
        options.timestampColumn = .named("time")
        let reader = try VectorStreamReader(path: path, options: options)
        var sample = Sample(position: 0, values: [])
        for _ in 0..<100 { #expect(try reader.next(into: &sample)) }
        var read = 0
        var checksum = 0.0
        hamlet_allocation_counting_begin()
        while read < 900, try reader.next(into: &sample) {
            checksum += sample.values[1] + (sample.time ?? .nan)
            read += 1
        }
        let allocations = hamlet_allocation_counting_end()
        #expect(allocations == 0)
        #expect(read == 900)
        #expect(sample.values[1...] == rows[999][0...])
        #expect(sample.time == 1_700_000_999)
        #expect(checksum.isFinite)
    }

    @Test("the synthetic and the changing streams: 1,000 records into one sample allocate nothing")
    func generatedRecords() throws {
        let sources: [any RecordSource] = [
            SyntheticSensorSource(channels: 4, changeAt: 500, steps: 0, rateHz: 0, seed: 3),
            ChangingStream(channels: 4, segment: 300, noise: 0.05, seed: 3),
        ]
        for source in sources {
            var sample = Sample(position: 0, values: [])
            #expect(try source.next(into: &sample))
            var checksum = 0.0
            hamlet_allocation_counting_begin()
            for _ in 0..<1_000 {
                _ = try source.next(into: &sample)
                checksum += sample.values[3]
            }
            let allocations = hamlet_allocation_counting_end()
            #expect(allocations == 0, "\(type(of: source))")
            #expect(sample.position == 1_000)
            #expect(checksum.isFinite)
        }
    }

    @Test("audio features from a recording: 300 frames into one sample allocate nothing")
    func audioRecords() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hamlet-sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("speech.wav").path
        try DemoRecording(DemoRecordingConfiguration(speechSeconds: 6, humSeconds: 0)).write(to: path)
        let reader = AudioFeatureReader(source: try RecordingReplay(path: path), features: FeatureConfiguration(), context: RunContext())
        var sample = Sample(position: 0, values: [])
        for _ in 0..<50 { #expect(try reader.next(into: &sample)) }
        var read = 0
        var checksum = 0.0
        hamlet_allocation_counting_begin()
        while read < 300, try reader.next(into: &sample) {
            checksum += sample.values[0]
            read += 1
        }
        let allocations = hamlet_allocation_counting_end()
        #expect(allocations == 0)
        #expect(read == 300)
        #expect(sample.position == 349)
        #expect(sample.values.count == reader.columns.count)
        #expect(checksum.isFinite)
    }
}
