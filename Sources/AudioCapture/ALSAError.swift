import Glibc

/// A failed alsa-lib call: the negative error `code` it returned and the `operation` that failed;
/// `message` is alsa-lib's `snd_strerror` text.
public struct ALSAError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The negative errno-style code alsa-lib returned (e.g. `-ENODEV`).
    public let code: Int32
    /// What was being done, e.g. `snd_pcm_open 'default'` or `snd_pcm_hw_params_set_format S32_LE`.
    public let operation: String
    /// Why libasound itself could not be loaded; nil for a failed call.
    private let unavailable: AudioLibraryError?

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
        unavailable = nil
    }

    /// libasound could not be loaded (`-ELIBACC`).
    init(_ unavailable: AudioLibraryError) {
        code = -ELIBACC
        operation = "dlopen \(unavailable.library)"
        self.unavailable = unavailable
    }

    /// `snd_strerror(code)`; the system's text for the code if libasound is not loaded.
    public var message: String {
        if let unavailable { return unavailable.reason }
        if case .success(let alsa) = AudioLibraries.alsa, let text = alsa.snd_strerror(code) { return String(cString: text) }
        return String(cString: strerror(-code))
    }

    public var description: String { "\(operation): \(message) (\(code))" }
}
