/// Where things go on the page, in pixels: one shared x-scale, panels stacked top to bottom.
struct PlotLayout {
    static let width = 1200.0
    static let left = 80.0, right = 80.0
    static let firstPanelTop = 92.0
    static let panelHeight = 200.0, panelGap = 44.0
    static let bottomMargin = 56.0

    let steps: ClosedRange<Double>
    let panelCount: Int

    var height: Double {
        Self.firstPanelTop + Double(panelCount) * Self.panelHeight + Double(max(0, panelCount - 1)) * Self.panelGap + Self.bottomMargin
    }

    var plotLeft: Double { Self.left }
    var plotRight: Double { Self.width - Self.right }
    var panelsTop: Double { Self.firstPanelTop }
    var panelsBottom: Double { panelTop(panelCount - 1) + Self.panelHeight }

    func panelTop(_ index: Int) -> Double { Self.firstPanelTop + Double(index) * (Self.panelHeight + Self.panelGap) }

    func x(_ step: Double) -> Double {
        let span = steps.upperBound - steps.lowerBound
        return plotLeft + (step - steps.lowerBound) / (span > 0 ? span : 1) * (plotRight - plotLeft)
    }

    /// The pixel row of `value` on a panel whose y-scale spans `range`.
    func y(_ value: Double, panel: Int, range: ClosedRange<Double>) -> Double {
        let span = range.upperBound - range.lowerBound
        let top = panelTop(panel)
        return top + Self.panelHeight - (value - range.lowerBound) / (span > 0 ? span : 1) * Self.panelHeight
    }
}

/// Pixel coordinates with one decimal: finer than any screen, and a third of the file of full precision.
func pixels(_ value: Double) -> String {
    let tenths = (value * 10).rounded()
    let whole = Int(tenths) / 10, fraction = abs(Int(tenths)) % 10
    return fraction == 0 ? "\(whole)" : (tenths < 0 && whole == 0 ? "-0.\(fraction)" : "\(whole).\(fraction)")
}
