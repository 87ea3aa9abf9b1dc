import CALSA
import Testing

@testable import AudioCapture

/// The audio libraries are opened with dlopen when an audio source starts: a library that is
/// missing, or lacks a function, is reported by name instead of stopping the process at start.
@Suite struct AudioLibrariesTests {
    @Test func theInstalledLibrariesLoadWithEveryFunction() throws {
        let alsa = try AudioLibraries.alsa.get()
        #expect(alsa.snd_strerror(-19).map { String(cString: $0) } == "No such device")
        _ = try AudioLibraries.sndfile.get()
        _ = try AudioLibraries.samplerate.get()
    }

    @Test func aMissingLibraryIsNamedWithTheLoadersReason() {
        let result = AudioLibraries.open("libhamlet-absent.so.9", empty: hamlet_alsa()) { hamlet_alsa_resolve($0, &$1) }
        guard case .failure(let error) = result else {
            Issue.record("an absent library loaded")
            return
        }
        #expect(error.library == "libhamlet-absent.so.9")
        #expect(error.reason.contains("libhamlet-absent.so.9"), "\(error.reason)")
        let alsaError = ALSAError(error)
        #expect(alsaError.description.hasPrefix("dlopen libhamlet-absent.so.9: "), "\(alsaError)")
        #expect(alsaError.code == -79)  // ELIBACC
    }

    @Test func aLibraryWithoutTheFunctionsNamesTheFirstMissingOne() {
        let result = AudioLibraries.open("libc.so.6", empty: hamlet_alsa()) { hamlet_alsa_resolve($0, &$1) }
        guard case .failure(let error) = result else {
            Issue.record("libc passed for libasound")
            return
        }
        #expect(error == AudioLibraryError(library: "libc.so.6", reason: "no function snd_strerror"))
    }
}
