import Foundation
import Testing
import ServiceSupport

@Suite struct ResidentMemoryTests {
    @Test func growsAfterTouchingABigAllocation() throws {
        let before = try #require(ResidentMemory.currentBytes())
        #expect(before > 1_000_000)
        let size = 128 << 20
        let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4_096)
        defer { block.deallocate() }
        // Touching every byte makes the kernel back the pages; allocation alone only reserves address space.
        memset(block, 1, size)
        let after = try #require(ResidentMemory.currentBytes())
        // Other tests run in parallel and may free memory meanwhile, hence half the block as the margin.
        #expect(after - before > size / 2, "before \(before), after \(after)")
    }
}
