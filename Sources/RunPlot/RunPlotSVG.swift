extension RunPlot {
    /// The picture as an SVG document. Element classes name what they show ("alert", "label-window",
    /// "threshold", "series"), so a reader or a test can find them.
    public func svg(maxPointsPerSeries: Int = 4000) -> String {
        let layout = PlotLayout(steps: steps, panelCount: max(1, panels.count))
        var document = SVGDocument(width: Int(PlotLayout.width), height: Int(layout.height.rounded()))
        document.element("rect", ["width": "100%", "height": "100%", "fill": "white"])
        document.element(
            "text", ["x": pixels(PlotLayout.width / 2), "y": "26", "text-anchor": "middle", "font-size": "17", "font-weight": "bold",
                "fill": Palette.text], text: title)
        drawLegend(into: &document)
        document.open("defs")
        for index in panels.indices {
            document.open("clipPath", ["id": "panel-\(index)"])
            document.element(
                "rect", ["x": pixels(layout.plotLeft), "y": pixels(layout.panelTop(index)),
                    "width": pixels(layout.plotRight - layout.plotLeft), "height": pixels(PlotLayout.panelHeight)])
            document.close()
        }
        document.close()
        let xTicks = self.xTicks()
        for window in windows {
            let left = layout.x(window.lowerBound), right = max(layout.x(window.upperBound), left + 1)
            document.element(
                "rect", ["class": "label-window", "x": pixels(left), "y": pixels(layout.panelsTop), "width": pixels(right - left),
                    "height": pixels(layout.panelsBottom - layout.panelsTop), "fill": Palette.window, "fill-opacity": "0.18"])
        }
        for (index, panel) in panels.enumerated() {
            PanelDrawing(panel: panel, index: index, layout: layout, maxPoints: maxPointsPerSeries)
                .draw(into: &document, xTicks: xTicks.map(\.value))
        }
        drawAlerts(into: &document, layout: layout)
        drawXAxis(into: &document, layout: layout, ticks: xTicks)
        return document.finished()
    }

    /// Time labels when every record has a time and times never go back; step numbers otherwise.
    func xTicks() -> [AxisTick] {
        if let timeline, timeline.count > 1, zip(timeline, timeline.dropFirst()).allSatisfy({ $0.time <= $1.time }) {
            let ticks = TimeTicks.ticks(on: timeline, about: 8)
            if ticks.count >= 2 { return ticks }
        }
        return NumberTicks.ticks(in: steps, about: 8).map { AxisTick(value: $0.value, label: "\(Int($0.value))") }
    }

    /// One marker per pixel column: a burst of alerts on neighbouring records is one line at this width.
    private func drawAlerts(into document: inout SVGDocument, layout: PlotLayout) {
        var drawn = Set<Int>()
        for step in alertSteps.sorted() {
            let x = layout.x(step)
            guard drawn.insert(Int(x.rounded())).inserted else { continue }
            document.element(
                "line", ["class": "alert", "x1": pixels(x), "x2": pixels(x), "y1": pixels(layout.panelsTop),
                    "y2": pixels(layout.panelsBottom), "stroke": Palette.alert, "stroke-width": "1", "stroke-opacity": "0.7"])
        }
    }

    private func drawXAxis(into document: inout SVGDocument, layout: PlotLayout, ticks: [AxisTick]) {
        let bottom = layout.panelsBottom
        for tick in ticks {
            let x = layout.x(tick.value)
            document.element("line", ["x1": pixels(x), "x2": pixels(x), "y1": pixels(bottom), "y2": pixels(bottom + 5), "stroke": Palette.frame])
            document.element(
                "text", ["x": pixels(x), "y": pixels(bottom + 19), "text-anchor": "middle", "fill": Palette.text], text: tick.label)
        }
        let name = ticks.first?.label.contains("-") == true ? "time (UTC)" : "record (step)"
        document.element(
            "text", ["x": pixels((layout.plotLeft + layout.plotRight) / 2), "y": pixels(bottom + 42), "text-anchor": "middle",
                "fill": Palette.text], text: name)
    }

    private func drawLegend(into document: inout SVGDocument) {
        var entries: [(name: String, color: String, style: LegendStyle)] = []
        for panel in panels {
            for series in panel.series + panel.rightSeries { entries.append((series.name, series.color, .line)) }
            if panel.threshold != nil { entries.append(("threshold", Palette.threshold, .dashed)) }
        }
        if !alertSteps.isEmpty { entries.append(("drift alert (\(alertSteps.count))", Palette.alert, .line)) }
        if !windows.isEmpty { entries.append(("labelled window (\(windows.count))", Palette.window, .band)) }
        document.open("g", ["class": "legend"])
        var x = PlotLayout.left
        let y = 52.0
        for entry in entries {
            switch entry.style {
            case .line, .dashed:
                document.element(
                    "line", ["x1": pixels(x), "x2": pixels(x + 22), "y1": pixels(y), "y2": pixels(y), "stroke": entry.color,
                        "stroke-width": "2", "stroke-dasharray": entry.style == .dashed ? "5,3" : "none"])
            case .band:
                document.element(
                    "rect", ["x": pixels(x), "y": pixels(y - 6), "width": "22", "height": "12", "fill": entry.color, "fill-opacity": "0.3"])
            }
            document.element("text", ["x": pixels(x + 28), "y": pixels(y + 4), "fill": Palette.text], text: entry.name)
            x += 28 + Double(entry.name.count) * 7 + 24
        }
        document.close()
    }
}

private enum LegendStyle { case line, dashed, band }
