import Dispatch
import Foundation
import SeededRandom
import Testing
import VectorStream

/// One scripted conversation over a pipe: text written in pieces, and the record each line must yield.
struct PipeScript: Sendable, CustomTestStringConvertible {
    let name: String
    let format: VectorFormat?
    /// Written before the first record line (a CSV header), with no record of its own.
    let preamble: [String]
    /// Each record line already split into the pieces the writer sends separately.
    let pieces: [[String]]
    let records: [Sample]
    var testDescription: String { name }
}

let pipeScripts = [
    PipeScript(
        name: "CSV", format: .csv, preamble: ["tim", "e, x", " ,y\r", "\n"],
        pieces: [["1,", "2.", "5,-3"], ["e1\r", "\n"], ["2,-0.5,7", "\n"], ["\n3", ",4,5\n"]],
        records: [
            Sample(position: 2, values: [1, 2.5, -30]), Sample(position: 3, values: [2, -0.5, 7]),
            Sample(position: 5, values: [3, 4, 5]),
        ]),
    PipeScript(
        name: "JSON lines, sniffed", format: nil, preamble: [],
        pieces: [["{\"a\":", " 1.2", "5e1, \"b\": -", "2}\n"], ["{\"b\": 3, \"a\"", ": 4}\r\n"], ["{\"a\":", "7,\"b\":8}", "\n"], ["\n{\"a\":5,\"b\":6}\n"]],
        records: [
            Sample(position: 1, values: [12.5, -2]), Sample(position: 2, values: [4, 3]),
            Sample(position: 3, values: [7, 8]), Sample(position: 5, values: [5, 6]),
        ]),
]

@Suite("Reading from a pipe")
struct PipeTests {
    @Test("Each record is returned as soon as its line is complete, without waiting for more", arguments: pipeScripts)
    func lockstep(_ script: PipeScript) throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readFD, writeFD) = (fds[0], fds[1])
        let acknowledged = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let stalled = SharedFlag()
        let preamble = script.preamble
        let lines = script.pieces
        // The writer sends a line only after the reader has returned the previous record; if the reader
        // wanted more than one line it would never get it, so the writer gives up and reports a stall.
        let writer = Thread {
            defer {
                close(writeFD)
                finished.signal()
            }
            for piece in preamble {
                writeAll(writeFD, Array(piece.utf8))
                usleep(2_000)
            }
            for line in lines {
                for piece in line {
                    writeAll(writeFD, Array(piece.utf8))
                    usleep(2_000)
                }
                if line.last?.hasSuffix("\n") == true && acknowledged.wait(timeout: .now() + 10) == .timedOut {
                    stalled.set()
                    return
                }
            }
        }
        writer.start()
        defer {
            // If an expectation threw early, let the writer finish instead of waiting out its timeout.
            for _ in lines { acknowledged.signal() }
            finished.wait()
            close(readFD)
        }
        let reader = VectorStreamReader(fileDescriptor: readFD, format: script.format)
        for expected in script.records {
            let record = try reader.next()
            #expect(record == expected)
            acknowledged.signal()
        }
        #expect(try reader.next() == nil)
        #expect(!stalled.isSet, "the reader waited for input beyond the line it returned")
    }

    @Test("Random chunk boundaries give the same records as splitting the whole text", arguments: [false, true])
    func randomChunks(json: Bool) throws {
        var random = SplitMix64(seed: json ? 7 : 3)
        var text = json ? "" : "p,q,r,s\n"
        for _ in 0..<400 {
            let values = (0..<4).map { _ in
                switch random.next() % 3 {
                case 0: String(Int64(bitPattern: random.next()) % 100_000)
                case 1: String(Double(Int64(bitPattern: random.next()) % 1_000_000) / 1_024)
                default: String(format: "%.6e", Double(Int64(bitPattern: random.next())) * 1e-12)
                }
            }
            text += json ? "[" + values.joined(separator: ", ") + "]\n" : values.joined(separator: ",") + "\n"
        }
        let expected = text.split(separator: "\n").dropFirst(json ? 0 : 1).map { line in
            line.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",").map {
                Double($0.trimmingCharacters(in: .whitespaces))!
            }
        }

        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readFD, writeFD) = (fds[0], fds[1])
        let finished = DispatchSemaphore(value: 0)
        let bytes = Array(text.utf8)
        let seed = random.next()
        let writer = Thread {
            var chunkRandom = SplitMix64(seed: seed)
            var offset = 0
            while offset < bytes.count {
                let size = min(Int(chunkRandom.next() % 17) + 1, bytes.count - offset)
                writeAll(writeFD, Array(bytes[offset..<offset + size]))
                offset += size
                // Pausing now and then makes the reader actually see partial lines and partial numbers.
                if chunkRandom.next() % 8 == 0 { usleep(200) }
            }
            close(writeFD)
            finished.signal()
        }
        writer.start()
        defer {
            finished.wait()
            close(readFD)
        }
        let reader = VectorStreamReader(fileDescriptor: readFD)
        var records: [[Double]] = []
        while let record = try reader.next() { records.append(record.values) }
        #expect(records == expected)
        #expect(reader.format == (json ? .jsonLines : .csv))
    }

    @Test("A non-blocking descriptor is waited on rather than reported as an error")
    func nonBlockingDescriptor() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readFD, writeFD) = (fds[0], fds[1])
        #expect(fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK) == 0)
        let finished = DispatchSemaphore(value: 0)
        let writer = Thread {
            usleep(50_000)
            writeAll(writeFD, Array("v\n".utf8))
            usleep(50_000)
            writeAll(writeFD, Array("1.5\n".utf8))
            close(writeFD)
            finished.signal()
        }
        writer.start()
        defer {
            finished.wait()
            close(readFD)
        }
        let reader = VectorStreamReader(fileDescriptor: readFD)
        #expect(drain(reader) == [.record(2, [1.5])])
    }
}
