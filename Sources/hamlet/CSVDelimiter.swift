import ArgumentParser

/// The value of `--delimiter`: one ASCII character, or `tab` / `\t` since a literal tab is awkward to type.
struct CSVDelimiter: ExpressibleByArgument {
    let byte: UInt8

    init?(argument: String) {
        switch argument {
        case "tab", "\\t", "\t": byte = 0x09
        default:
            // A quote, a blank or a line break cannot separate fields that are trimmed and quoted.
            guard argument.utf8.count == 1, let byte = argument.utf8.first, byte > 0x20, byte < 0x7F,
                byte != UInt8(ascii: "\"")
            else { return nil }
            self.byte = byte
        }
    }
}
