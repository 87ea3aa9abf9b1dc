import CALSA
import CSampleRate
import CSndFile
import Glibc

/// A shared library an audio source needs that could not be loaded (not installed, or missing
/// one of the functions the agent calls).
public struct AudioLibraryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The soname, e.g. `libasound.so.2`.
    public let library: String
    /// `dlerror()`'s text, or the function that is missing.
    public let reason: String

    public var description: String { "cannot load \(library): \(reason)" }
}

/// libasound, libsndfile and libsamplerate, opened with `dlopen` the first time an audio source
/// or a WAV writer needs them, not linked: only the `alsa` and `recording` sources use them, and
/// linked they cost every run 1.2 MB of resident memory (docs/footprint.md). Each is opened once
/// per process and never closed; a failure is kept too, so every later use reports the same error.
enum AudioLibraries {
    static let alsa: Result<hamlet_alsa, AudioLibraryError> =
        open("libasound.so.2", empty: hamlet_alsa()) { hamlet_alsa_resolve($0, &$1) }
    static let sndfile: Result<hamlet_sndfile, AudioLibraryError> =
        open("libsndfile.so.1", empty: hamlet_sndfile()) { hamlet_sndfile_resolve($0, &$1) }
    static let samplerate: Result<hamlet_samplerate, AudioLibraryError> =
        open("libsamplerate.so.0", empty: hamlet_samplerate()) { hamlet_samplerate_resolve($0, &$1) }

    static func requireALSA() throws(ALSAError) -> hamlet_alsa { try alsa.mapError { ALSAError($0) }.get() }

    static func requireSndfile(path: String) throws(SndFileError) -> hamlet_sndfile {
        try sndfile.mapError { SndFileError(path: path, unavailable: $0) }.get()
    }

    static func requireSamplerate() throws(SampleRateError) -> hamlet_samplerate {
        try samplerate.mapError { SampleRateError($0) }.get()
    }

    static func open<Table>(
        _ library: String, empty: Table, resolve: (UnsafeMutableRawPointer, inout Table) -> UnsafePointer<CChar>?
    ) -> Result<Table, AudioLibraryError> {
        guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(AudioLibraryError(library: library, reason: dlerror().map { String(cString: $0) } ?? "dlopen failed"))
        }
        var table = empty
        if let missing = resolve(handle, &table) {
            dlclose(handle)
            return .failure(AudioLibraryError(library: library, reason: "no function \(String(cString: missing))"))
        }
        return .success(table)
    }
}
