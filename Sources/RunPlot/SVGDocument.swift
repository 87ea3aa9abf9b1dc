/// A minimal SVG writer: elements with escaped attributes and text, appended to one string.
struct SVGDocument {
    private(set) var text = ""
    private var openElements: [String] = []

    init(width: Int, height: Int) {
        text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        open("svg", ["xmlns": "http://www.w3.org/2000/svg", "width": "\(width)", "height": "\(height)",
            "viewBox": "0 0 \(width) \(height)", "font-family": "DejaVu Sans, Helvetica, Arial, sans-serif", "font-size": "12"])
    }

    /// An element with no children.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>) {
        text += "<\(name)\(Self.attributes(attributes))/>\n"
    }

    /// An element holding only text.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, text content: String) {
        text += "<\(name)\(Self.attributes(attributes))>\(Self.escape(content))</\(name)>\n"
    }

    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        text += "<\(name)\(Self.attributes(attributes))>\n"
        openElements.append(name)
    }

    mutating func close() {
        text += "</\(openElements.removeLast())>\n"
    }

    /// The document with every open element closed.
    mutating func finished() -> String {
        while !openElements.isEmpty { close() }
        return text
    }

    private static func attributes(_ attributes: KeyValuePairs<String, String>) -> String {
        attributes.map { " \($0.key)=\"\(escape($0.value))\"" }.joined()
    }

    /// XML's five special characters; control characters other than tab and newlines are not allowed in XML 1.0.
    static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value): escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
