// The numeric core's exactness checks as one Embedded Swift program for aarch64 Linux, built and
// run under qemu by Scripts/check_arm64.sh. It is compiled into the HamiltonianLearning module
// itself, so the internal SIMD kernels can be compared with plain loops. Each line prints the
// measured number and its bound; each kind of comparison also has a control that must fail it.

import CAllocationCounter
import RealModule
import SeededRandom
#if canImport(Glibc)
import Glibc  // exit
#endif

@main
enum CoreChecks {
    nonisolated(unsafe) static var passed = 0
    nonisolated(unsafe) static var failed = 0

    static func main() {
        print("numeric core checks (Embedded Swift, \(architecture))")
        checkKernels()
        checkTorchSGD()
        checkTracesAgainstBPTT()
        checkNoAllocationPerStep()
        print("\(passed) passed, \(failed) failed")
        if failed > 0 { exit(1) }
    }

    static var architecture: String {
        #if arch(arm64)
        return "arm64"
        #elseif arch(x86_64)
        return "x86_64"
        #else
        return "another architecture"
        #endif
    }

    /// Passes when `value <= bound` (or `value > bound` with `above`), and prints both.
    static func expect(_ name: String, _ quantity: String, _ value: Double, atMost bound: Double, above: Bool = false) {
        let ok = above ? value > bound : value <= bound
        if ok { passed += 1 } else { failed += 1 }
        print("\(ok ? "PASS" : "FAIL")  \(name): \(quantity) = \(value) \(above ? ">" : "<=") \(bound)")
    }
}

func maxAbsDifference<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> Double {
    precondition(a.count == b.count)
    var largest = 0.0
    for i in a.indices { largest = max(largest, Double(abs(a[i] - b[i]))) }
    return largest
}

/// A normal value from the core's own seeded generator, so every platform sees the same inputs.
func gaussians(_ count: Int, _ generator: inout SeededGenerator, scale: Double = 1) -> [Double] {
    (0..<count).map { _ in generator.nextGaussian() * scale }
}

/// Equal bit for bit (BinaryFloatingPoint has no generic `bitPattern`): NaNs compare, −0 ≠ +0.
func sameBits<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> Bool {
    a.sign == b.sign && a.exponentBitPattern == b.exponentBitPattern && a.significandBitPattern == b.significandBitPattern
}
