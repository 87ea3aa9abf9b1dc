import DriftDetection
import Testing

/// Page-Hinkley and ADWIN flag exactly the indices River 0.26 flags on the same sequences.
@Suite struct RiverFixtureTests {
    @Test("Page-Hinkley matches River", arguments: RiverFixture.names)
    func pageHinkley(name: String) throws {
        let fixture = try RiverFixture.load(name)
        #expect(fixture.river_version.hasPrefix("0.26"))
        let runs = fixture.detections.filter { $0.detector == "page_hinkley" }
        #expect(!runs.isEmpty)
        for run in runs {
            let configuration = try PageHinkleyConfiguration(river: run.parameters)
            let found = signalIndices(PageHinkley(configuration), fixture.values)
            #expect(found == run.indices, "\(name) with \(configuration)")
        }
    }

    @Test("ADWIN matches River", arguments: RiverFixture.names)
    func adwin(name: String) throws {
        let fixture = try RiverFixture.load(name)
        let runs = fixture.detections.filter { $0.detector == "adwin" }
        #expect(!runs.isEmpty)
        for run in runs {
            let configuration = try ADWINConfiguration(river: run.parameters)
            let found = signalIndices(ADWIN(configuration), fixture.values)
            #expect(found == run.indices, "\(name) with \(configuration)")
        }
    }

    @Test("ADWIN's window width, sum and variance equal River's bit for bit", arguments: RiverFixture.names)
    func adwinWindow(name: String) throws {
        let fixture = try RiverFixture.load(name)
        var adwin = ADWIN()
        var trace = fixture.adwin_trace[...]
        for (index, x) in fixture.values.enumerated() {
            _ = adwin.update(x)
            guard let expected = trace.first, Int(expected[0]) == index else { continue }
            trace.removeFirst()
            #expect([adwin.width, adwin.total, adwin.varianceSum] == Array(expected[1...]), "\(name) at \(index)")
        }
        #expect(trace.isEmpty)
    }

    @Test("the defaults are River's")
    func defaults() throws {
        let fixture = try RiverFixture.load("river_doc")
        #expect(try PageHinkleyConfiguration(river: fixture.detections[0].parameters) == PageHinkleyConfiguration())
        #expect(try ADWINConfiguration(river: fixture.detections[1].parameters) == ADWINConfiguration())
        // River's docstring examples print exactly these.
        #expect(fixture.detections.map(\.indices) == [[1006], [1023]])
    }

    @Test("the fixtures exercise detections: at least 30 per detector in all")
    func coverage() throws {
        var totals: [String: Int] = [:]
        for name in RiverFixture.names {
            for run in try RiverFixture.load(name).detections { totals[run.detector, default: 0] += run.indices.count }
        }
        #expect(totals["page_hinkley", default: 0] >= 30)
        #expect(totals["adwin", default: 0] >= 30)
    }
}
