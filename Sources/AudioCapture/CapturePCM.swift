import CALSA

/// The seam between the capture state machine and "the PCM": the few calls the loop makes.
/// `ALSAPCM` is the real device; `FaultInjectingPCM` wraps it to return errors the
/// null-backed file plugin never produces. Used only on the capture thread.
protocol CapturePCM: AnyObject {
    /// The parameters the device accepted.
    var negotiated: NegotiatedPCMParameters { get }
    /// `snd_pcm_readi` (nonblocking): frames read, or a negative error code.
    func read(into buffer: UnsafeMutableRawPointer, frames: Int) -> Int
    /// `snd_pcm_wait`: 1 when readable, 0 on timeout, or a negative error code.
    func wait(timeoutMilliseconds: Int32) -> Int32
    /// `snd_pcm_recover` (silent): 0 when the stream is usable again, else a negative error code.
    func recover(_ code: Int32) -> Int32
    /// Closes the device; idempotent.
    func close()
}

/// Opens `CapturePCM`s; the capture thread calls it for the first open and every reopen.
protocol CapturePCMOpener: AnyObject {
    func open(_ configuration: ALSACaptureConfiguration) throws(ALSAError) -> any CapturePCM
}

/// What the device accepted (rate and format are exact; period and buffer are "near").
public struct NegotiatedPCMParameters: Equatable, Sendable, CustomStringConvertible {
    public var sampleRateHz: Int
    public var channelCount: Int
    public var sampleFormat: ALSASampleFormat
    public var hardwarePeriodFrames: Int
    public var bufferFrames: Int

    public var description: String {
        "\(sampleFormat) \(sampleRateHz) Hz \(channelCount) ch, hardware period \(hardwarePeriodFrames), buffer \(bufferFrames) frames"
    }
}

/// Opens real ALSA PCMs.
final class ALSAPCMOpener: CapturePCMOpener {
    func open(_ configuration: ALSACaptureConfiguration) throws(ALSAError) -> any CapturePCM {
        try ALSAPCM(configuration)
    }
}

/// A capture PCM opened nonblocking, configured for interleaved access, and started.
final class ALSAPCM: CapturePCM {
    private let alsa: hamlet_alsa
    private var handle: OpaquePointer?
    private var configTree: OpaquePointer?
    let negotiated: NegotiatedPCMParameters

    init(_ c: ALSACaptureConfiguration) throws(ALSAError) {
        let alsa = try AudioLibraries.requireALSA()
        self.alsa = alsa
        var pcm: OpaquePointer?
        var tree: OpaquePointer?
        let mode = hamlet_alsa_nonblock_mode()
        if let text = c.alsaConfiguration {
            tree = try Self.loadConfiguration(text, alsa)
            let rc = alsa.snd_pcm_open_lconf(&pcm, c.deviceName, SND_PCM_STREAM_CAPTURE, mode, tree)
            if rc < 0 {
                _ = alsa.snd_config_delete(tree)
                throw ALSAError(code: rc, operation: "snd_pcm_open_lconf '\(c.deviceName)'")
            }
        } else {
            let rc = alsa.snd_pcm_open(&pcm, c.deviceName, SND_PCM_STREAM_CAPTURE, mode)
            if rc < 0 { throw ALSAError(code: rc, operation: "snd_pcm_open '\(c.deviceName)'") }
        }
        do {
            negotiated = try Self.configure(pcm!, c, alsa)
        } catch {
            _ = alsa.snd_pcm_close(pcm)
            if let tree { _ = alsa.snd_config_delete(tree) }
            throw error
        }
        handle = pcm
        configTree = tree
    }

    deinit { close() }

    private static func loadConfiguration(_ text: String, _ alsa: hamlet_alsa) throws(ALSAError) -> OpaquePointer? {
        var top: OpaquePointer?
        var rc = alsa.snd_config_top(&top)
        if rc < 0 { throw ALSAError(code: rc, operation: "snd_config_top") }
        var input: OpaquePointer?
        rc = alsa.snd_input_buffer_open(&input, text, -1)
        if rc < 0 {
            _ = alsa.snd_config_delete(top)
            throw ALSAError(code: rc, operation: "snd_input_buffer_open")
        }
        rc = alsa.snd_config_load(top, input)
        _ = alsa.snd_input_close(input)
        if rc < 0 {
            _ = alsa.snd_config_delete(top)
            throw ALSAError(code: rc, operation: "snd_config_load (private ALSA configuration text)")
        }
        return top
    }

    private static func configure(_ pcm: OpaquePointer, _ c: ALSACaptureConfiguration, _ alsa: hamlet_alsa) throws(ALSAError) -> NegotiatedPCMParameters {
        func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws(ALSAError) {
            if rc < 0 { throw ALSAError(code: rc, operation: operation()) }
        }
        var hw: OpaquePointer?
        try check(alsa.snd_pcm_hw_params_malloc(&hw), "snd_pcm_hw_params_malloc")
        defer { alsa.snd_pcm_hw_params_free(hw) }
        try check(alsa.snd_pcm_hw_params_any(pcm, hw), "snd_pcm_hw_params_any")
        try check(alsa.snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED), "snd_pcm_hw_params_set_access RW_INTERLEAVED")
        try check(alsa.snd_pcm_hw_params_set_format(pcm, hw, c.sampleFormat.alsaFormat), "snd_pcm_hw_params_set_format \(c.sampleFormat)")
        try check(alsa.snd_pcm_hw_params_set_channels(pcm, hw, UInt32(c.channelCount)), "snd_pcm_hw_params_set_channels \(c.channelCount)")
        try check(alsa.snd_pcm_hw_params_set_rate(pcm, hw, UInt32(c.sampleRateHz), 0), "snd_pcm_hw_params_set_rate \(c.sampleRateHz) Hz (use a plughw: or plug device to let ALSA resample)")
        var dir: Int32 = 0
        var period = snd_pcm_uframes_t(c.periodFrames)
        try check(alsa.snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, &dir), "snd_pcm_hw_params_set_period_size_near \(c.periodFrames)")
        var buffer = snd_pcm_uframes_t(max(c.bufferFrames, Int(period) * 2))
        try check(alsa.snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer), "snd_pcm_hw_params_set_buffer_size_near \(c.bufferFrames)")
        try check(alsa.snd_pcm_hw_params(pcm, hw), "snd_pcm_hw_params")

        var sw: OpaquePointer?
        try check(alsa.snd_pcm_sw_params_malloc(&sw), "snd_pcm_sw_params_malloc")
        defer { alsa.snd_pcm_sw_params_free(sw) }
        try check(alsa.snd_pcm_sw_params_current(pcm, sw), "snd_pcm_sw_params_current")
        // Wake the waiter when one of our periods is there (or the whole buffer, if smaller).
        let availMin = snd_pcm_uframes_t(min(c.periodFrames, Int(buffer)))
        try check(alsa.snd_pcm_sw_params_set_avail_min(pcm, sw, availMin), "snd_pcm_sw_params_set_avail_min")
        try check(alsa.snd_pcm_sw_params(pcm, sw), "snd_pcm_sw_params")
        try check(alsa.snd_pcm_start(pcm), "snd_pcm_start")
        return NegotiatedPCMParameters(
            sampleRateHz: c.sampleRateHz, channelCount: c.channelCount, sampleFormat: c.sampleFormat,
            hardwarePeriodFrames: Int(period), bufferFrames: Int(buffer))
    }

    func read(into buffer: UnsafeMutableRawPointer, frames: Int) -> Int {
        guard let handle else { return -Int(EBADFD) }
        return alsa.snd_pcm_readi(handle, buffer, snd_pcm_uframes_t(frames))
    }

    func wait(timeoutMilliseconds: Int32) -> Int32 {
        guard let handle else { return -EBADFD }
        return alsa.snd_pcm_wait(handle, timeoutMilliseconds)
    }

    func recover(_ code: Int32) -> Int32 {
        guard let handle else { return -EBADFD }
        return alsa.snd_pcm_recover(handle, code, 1)
    }

    func close() {
        if let handle {
            _ = alsa.snd_pcm_close(handle)
            self.handle = nil
        }
        if let configTree {
            _ = alsa.snd_config_delete(configTree)
            self.configTree = nil
        }
    }
}
