#ifndef HAMLET_CKISSFFT_SHIM_H
#define HAMLET_CKISSFFT_SHIM_H

// kissfft's real FFT (Debian's libkissfft-dev, pkg-config `kissfft-float`). Included by its
// path under /usr/include so that it resolves with or without pkg-config's -I/usr/include/kissfft
// (SwiftPM drops the .pc's -Dkiss_fft_scalar=float -DKISS_FFT_SHARED with a warning; float is
// the header's default scalar and the other only sets symbol visibility, so neither is needed).
// The header's `kiss_fftr_free` is a macro for `free`, which Swift cannot import, so it is
// re-exported here as a prefixed inline function.
#include <kissfft/kiss_fftr.h>

_Static_assert(sizeof(kiss_fft_scalar) == sizeof(float), "CKissFFT expects libkissfft-float");

static inline void hamlet_kiss_fftr_free(kiss_fftr_cfg config) {
    kiss_fftr_free(config);
}

#endif
