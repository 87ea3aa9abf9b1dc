/// Splits one CSV line into fields; a double-quoted field may hold commas and "" for a quote.
enum CSVFields {
    static func split(_ line: Substring) -> [Substring] {
        guard line.contains("\"") else { return line.split(separator: ",", omittingEmptySubsequences: false) }
        var fields: [Substring] = []
        var field = ""
        var quoted = false
        var previous: Character?
        for character in line {
            switch character {
            case "\"" where quoted:
                quoted = false
            case "\"":
                if previous == "\"" { field.append("\"") }
                quoted = true
            case "," where !quoted:
                fields.append(field[...])
                field = ""
            default:
                field.append(character)
            }
            previous = character
        }
        fields.append(field[...])
        return fields
    }
}
