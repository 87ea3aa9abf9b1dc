import AudioCapture
import Foundation
import Synchronization
import Testing

/// Broken files give an error naming the file and libsndfile's reason, never a crash.
@Suite struct MalformedRecordingTests {
    let directory = TemporaryDirectory()

    func openError(_ path: String) -> RecordingError? { replayOpenError(path) }

    @Test("empty file")
    func emptyFile() throws {
        let path = try directory.write("empty.wav", [])
        let error = try #require(openError(path))
        #expect(error.description == "cannot read recording \(path): Format not recognised.")
        guard case .cannotOpen(let e) = error else { Issue.record("\(error)"); return }
        #expect(e.path == path && e.operation == "sf_open" && e.code != 0)
    }

    @Test("random bytes")
    func randomBytes() throws {
        var random = XorShift64Star(seed: 1234)
        let path = try directory.write("noise.wav", (0..<4096).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        #expect(openError(path)?.description == "cannot read recording \(path): Format not recognised.")
    }

    @Test("a text file renamed .wav")
    func textFile() throws {
        let path = try directory.write("notes.wav", Array("This is not audio, just some notes.\n".utf8))
        #expect(openError(path)?.description == "cannot read recording \(path): Format not recognised.")
    }

    @Test("a header claiming 0 channels")
    func zeroChannels() throws {
        let wav = makeWAV(encoding: .pcm16, channelCount: 1, sampleRateHz: 16_000, samples: Array(repeating: 1, count: 100), declaredChannels: 0)
        let path = try directory.write("zero-channels.wav", wav)
        #expect(openError(path)?.description == "cannot read recording \(path): Channel count is zero.")
    }

    @Test("a missing file")
    func missingFile() {
        let path = directory.file("does-not-exist.wav")
        #expect(openError(path)?.description == "cannot read recording \(path): System error : No such file or directory.")
    }

    @Test("a header-only WAV (no frames)")
    func headerOnly() throws {
        let path = try directory.write("header-only.wav", makeWAV(encoding: .pcm16, channelCount: 1, sampleRateHz: 16_000, samples: []))
        #expect(openError(path) == .noAudio(path: path))
        #expect(openError(path)?.description == "recording \(path) contains no audio frames")
    }

    @Test("a truncated data chunk plays the frames present and reports the truncation")
    func truncatedDataChunk() throws {
        let codes = (0..<500).map { Int64($0 * 37 % 65_536 - 32_768) }
        let wav = makeWAV(encoding: .pcm16, channelCount: 1, sampleRateHz: 16_000, samples: codes, declaredDataBytes: 20_000)
        let path = try directory.write("truncated.wav", wav)
        let log = LogRecorder()
        let replay = try RecordingReplay(path: path, logger: log.logger)
        #expect(replay.recording.isTruncated)
        #expect(replay.recording.frames == 500)
        #expect(log.contains("recording \(path): data chunk is shorter than its header declares; playing the 500 frames present", level: .warning))
        let got = collectAll(replay)
        #expect(got.map(\.info.validFrames) == [320, 180])
        #expect(mismatches(got.flatMap(\.samples)[0..<500], codes.map { Float($0) / 32768 }) == 0)
        #expect(replay.failure == nil)

        // A truncation in the middle of a sample is handled the same way.
        let odd = try directory.write("truncated-odd.wav", wav + [0x07])
        let oddReplay = try RecordingReplay(path: odd)
        #expect(oddReplay.recording.isTruncated)
        #expect(collectAll(oddReplay).reduce(0) { $0 + $1.info.validFrames } == 500)
    }

    @Test("an intact file is not reported as truncated")
    func intactNotTruncated() throws {
        let path = try directory.write("ok.wav", makeWAV(encoding: .pcm16, channelCount: 1, sampleRateHz: 16_000, samples: Array(repeating: 3, count: 64)))
        #expect(try RecordingReplay(path: path).recording.isTruncated == false)
    }

    @Test("a WAV cut off inside its header")
    func cutHeader() throws {
        let wav = makeWAV(encoding: .pcm16, channelCount: 1, sampleRateHz: 16_000, samples: Array(repeating: 3, count: 64))
        for length in [4, 12, 20, 30, 40] {
            let path = try directory.write("cut-\(length).wav", Array(wav[0..<length]))
            let error = openError(path)
            #expect(error != nil, "length \(length)")
            #expect(error?.description.contains(path) == true)
        }
    }

    @Test("the reason stays right while other threads open files at the same time")
    func concurrentOpens() throws {
        let good = try directory.write("good.wav", makeWAV(encoding: .pcm16, channelCount: 1, sampleRateHz: 16_000, samples: [1, 2, 3]))
        let bad = try directory.write("bad.wav", Array("plain text\n".utf8))
        let wrong = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<40 {
                if (worker + i) % 2 == 0 {
                    if (try? RecordingReplay(path: good)) == nil { wrong.withLock { $0.append("good file failed") } }
                } else {
                    let description = replayOpenError(bad)?.description ?? "opened"
                    if description != "cannot read recording \(bad): Format not recognised." {
                        wrong.withLock { $0.append(description) }
                    }
                }
            }
        }
        #expect(wrong.withLock { $0 } == [])
    }

    @Test("invalid replay settings are refused")
    func invalidConfiguration() throws {
        let path = try directory.write("cfg.wav", makeWAV(encoding: .pcm16, channelCount: 1, sampleRateHz: 16_000, samples: [1, 2, 3]))
        #expect(throws: RecordingError.invalidConfiguration(.invalid(setting: "periodFrames", value: "0", requirement: "must be in 16…1048576"))) {
            try RecordingReplay(path: path, configuration: RecordingReplayConfiguration(periodFrames: 0))
        }
    }
}

/// The error opening `path` for replay, or nil if it opened.
func replayOpenError(_ path: String) -> RecordingError? {
    do {
        _ = try RecordingReplay(path: path)
        return nil
    } catch {
        return error
    }
}
