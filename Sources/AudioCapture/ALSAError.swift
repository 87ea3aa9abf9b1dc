import CALSA

/// A failed alsa-lib call: the negative error `code` it returned and the `operation` that failed;
/// `message` is alsa-lib's `snd_strerror` text.
public struct ALSAError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The negative errno-style code alsa-lib returned (e.g. `-ENODEV`).
    public let code: Int32
    /// What was being done, e.g. `snd_pcm_open 'default'` or `snd_pcm_hw_params_set_format S32_LE`.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// `snd_strerror(code)`.
    public var message: String { String(cString: snd_strerror(code)) }

    public var description: String { "\(operation): \(message) (\(code))" }
}
