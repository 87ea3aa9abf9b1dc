/// Draws one panel: frame, grid, y-axes, its lines and its threshold.
struct PanelDrawing {
    let panel: PlotPanel
    let index: Int
    let layout: PlotLayout
    let maxPoints: Int

    func draw(into document: inout SVGDocument, xTicks: [Double]) {
        let top = layout.panelTop(index), bottom = top + PlotLayout.panelHeight
        let leftRange = panel.yRange ?? NumberTicks.padded(panel.series.lazy.flatMap { $0.points.lazy.map(\.y) })
        document.element(
            "text", ["x": pixels(layout.plotLeft), "y": pixels(top - 8), "font-weight": "bold", "fill": Palette.text], text: panel.title)
        for x in xTicks.map(layout.x) {
            document.element("line", ["x1": pixels(x), "x2": pixels(x), "y1": pixels(top), "y2": pixels(bottom), "stroke": Palette.grid])
        }
        drawYAxis(into: &document, range: leftRange, side: .left)
        let rightRange = NumberTicks.padded(panel.rightSeries.lazy.flatMap { $0.points.lazy.map(\.y) })
        if !panel.rightSeries.isEmpty { drawYAxis(into: &document, range: rightRange, side: .right) }
        document.element(
            "rect", ["class": "panel", "x": pixels(layout.plotLeft), "y": pixels(top), "width": pixels(layout.plotRight - layout.plotLeft),
                "height": pixels(PlotLayout.panelHeight), "fill": "none", "stroke": Palette.frame])
        document.open("g", ["clip-path": "url(#panel-\(index))"])
        // The first series (the input) is drawn last, on top of the prediction that follows it closely.
        for series in panel.rightSeries { drawLine(series, range: rightRange, into: &document) }
        for series in panel.series.reversed() { drawLine(series, range: leftRange, into: &document) }
        if let threshold = panel.threshold {
            let y = layout.y(threshold, panel: index, range: leftRange)
            document.element(
                "line", ["class": "threshold", "x1": pixels(layout.plotLeft), "x2": pixels(layout.plotRight), "y1": pixels(y),
                    "y2": pixels(y), "stroke": Palette.threshold, "stroke-width": "1.5", "stroke-dasharray": "6,4"])
        }
        document.close()
    }

    private enum Side { case left, right }

    private func drawYAxis(into document: inout SVGDocument, range: ClosedRange<Double>, side: Side) {
        let edge = side == .left ? layout.plotLeft : layout.plotRight
        let direction = side == .left ? -1.0 : 1.0
        for tick in NumberTicks.ticks(in: range, about: 5) {
            let y = layout.y(tick.value, panel: index, range: range)
            if side == .left {
                document.element(
                    "line", ["x1": pixels(layout.plotLeft), "x2": pixels(layout.plotRight), "y1": pixels(y), "y2": pixels(y), "stroke": Palette.grid])
            }
            document.element("line", ["x1": pixels(edge), "x2": pixels(edge + 5 * direction), "y1": pixels(y), "y2": pixels(y), "stroke": Palette.frame])
            document.element(
                "text", ["x": pixels(edge + 8 * direction), "y": pixels(y + 4), "text-anchor": side == .left ? "end" : "start",
                    "fill": side == .left ? Palette.text : Palette.prediction], text: tick.label)
        }
    }

    private func drawLine(_ series: PlotSeries, range: ClosedRange<Double>, into document: inout SVGDocument) {
        let points = Downsampler.minMax(series.points, maxPoints: maxPoints)
        guard !points.isEmpty else { return }
        var path = ""
        path.reserveCapacity(points.count * 14)
        for (offset, point) in points.enumerated() {
            path += (offset == 0 ? "M" : "L") + pixels(layout.x(point.x)) + "," + pixels(layout.y(point.y, panel: index, range: range))
        }
        document.element(
            "path", ["class": "series", "data-name": series.name, "d": path, "fill": "none", "stroke": series.color, "stroke-width": "1",
                "stroke-linejoin": "round"])
    }
}
