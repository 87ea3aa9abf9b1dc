#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Faults to inject between the capture loop and the real PCM, for testing recovery paths the
/// null-backed ALSA `file` plugin cannot produce. Reads are numbered from 1 across the whole
/// capture (all opens). An injected error replaces the read: no frames are consumed.
public struct PCMFaultInjection: Equatable, Sendable {
    /// Reads #N, #2N, … return -EPIPE (overrun).
    public var overrunEveryReads: Int?
    /// Reads #N, #2N, … return -ESTRPIPE (suspend).
    public var suspendEveryReads: Int?
    /// Reads #N, #2N, … return -EINTR.
    public var interruptEveryReads: Int?
    /// Once: the read after this many reads returns -ENODEV (device unplugged); reopening works.
    public var deviceLossAfterReads: Int?
    /// The first N opens fail with -ENODEV without touching ALSA.
    public var failingOpens: Int
    /// Every read returns -EAGAIN and every wait times out after its full timeout: a device
    /// that delivers nothing.
    public var stallsReads: Bool

    public init(
        overrunEveryReads: Int? = nil, suspendEveryReads: Int? = nil, interruptEveryReads: Int? = nil,
        deviceLossAfterReads: Int? = nil, failingOpens: Int = 0, stallsReads: Bool = false
    ) {
        (self.overrunEveryReads, self.suspendEveryReads) = (overrunEveryReads, suspendEveryReads)
        (self.interruptEveryReads, self.deviceLossAfterReads) = (interruptEveryReads, deviceLossAfterReads)
        (self.failingOpens, self.stallsReads) = (failingOpens, stallsReads)
    }
}

/// Wraps another opener; its state is confined to the capture thread.
final class FaultInjectingPCMOpener: CapturePCMOpener {
    let plan: PCMFaultInjection
    let base: any CapturePCMOpener
    var opens = 0
    var reads = 0
    var deviceLossInjected = false

    init(plan: PCMFaultInjection, base: any CapturePCMOpener) {
        self.plan = plan
        self.base = base
    }

    func open(_ configuration: ALSACaptureConfiguration) throws(ALSAError) -> any CapturePCM {
        opens += 1
        if opens <= plan.failingOpens {
            throw ALSAError(code: -ENODEV, operation: "snd_pcm_open '\(configuration.deviceName)' (injected fault)")
        }
        return FaultInjectingPCM(try base.open(configuration), opener: self)
    }

    /// The error to return instead of read number `reads`, if any.
    func injectedReadError() -> Int? {
        reads += 1
        if let n = plan.deviceLossAfterReads, !deviceLossInjected, reads > n {
            deviceLossInjected = true
            return -Int(ENODEV)
        }
        if let n = plan.overrunEveryReads, n > 0, reads % n == 0 { return -Int(EPIPE) }
        if let n = plan.suspendEveryReads, n > 0, reads % n == 0 { return -Int(ESTRPIPE) }
        if let n = plan.interruptEveryReads, n > 0, reads % n == 0 { return -Int(EINTR) }
        return nil
    }
}

final class FaultInjectingPCM: CapturePCM {
    private let base: any CapturePCM
    private unowned let opener: FaultInjectingPCMOpener

    init(_ base: any CapturePCM, opener: FaultInjectingPCMOpener) {
        self.base = base
        self.opener = opener
    }

    var negotiated: NegotiatedPCMParameters { base.negotiated }

    func read(into buffer: UnsafeMutableRawPointer, frames: Int) -> Int {
        if opener.plan.stallsReads { return -Int(EAGAIN) }
        if let error = opener.injectedReadError() { return error }
        return base.read(into: buffer, frames: frames)
    }

    func wait(timeoutMilliseconds: Int32) -> Int32 {
        if opener.plan.stallsReads {
            if timeoutMilliseconds > 0 { usleep(UInt32(timeoutMilliseconds) * 1000) }
            return 0
        }
        return base.wait(timeoutMilliseconds: timeoutMilliseconds)
    }

    func recover(_ code: Int32) -> Int32 { base.recover(code) }

    func close() { base.close() }
}
