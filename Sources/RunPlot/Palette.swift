/// The plot's colours, chosen to stay apart for the common kinds of colour blindness.
enum Palette {
    static let input = "#1f77b4"
    static let prediction = "#ff7f0e"
    static let score = "#6a3d9a"
    static let threshold = "#d62728"
    static let alert = "#d62728"
    static let window = "#2ca02c"
    static let grid = "#e3e3e3"
    static let frame = "#888888"
    static let text = "#222222"
}
