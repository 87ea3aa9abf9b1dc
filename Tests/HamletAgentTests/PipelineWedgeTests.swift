import Testing

@testable import HamletAgent

/// The watchdog check's fault must stay off unless its variable holds a usable number of seconds.
@Suite struct PipelineWedgeTests {
    @Test func offWithoutAUsableValue() {
        for value in [nil, "", "soon", "-1", "nan", "inf"] as [String?] {
            #expect(PipelineWedge(environmentValue: value, start: 100).deadline == nil, "\(value ?? "nil")")
        }
    }

    @Test func deadlineCountsFromTheStart() {
        #expect(PipelineWedge(environmentValue: "3", start: 100).deadline == 103)
        #expect(PipelineWedge(environmentValue: "0.5", start: 10).deadline == 10.5)
    }
}
