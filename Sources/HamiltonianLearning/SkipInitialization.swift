/// The skip S of a forecaster (y = … + S u) at its start: the identity when inputs and outputs
/// match, so the first forecasts are persistence plus the learned part; zero otherwise.
enum SkipInitialization {
    static func write<Scalar: BinaryFloatingPoint>(into p: UnsafeMutablePointer<Scalar>, offset: Int, outputs o: Int, inputs i: Int) {
        for r in 0..<o {
            for c in 0..<i { p[offset + r * i + c] = (o == i && r == c) ? 1 : 0 }
        }
    }
}
