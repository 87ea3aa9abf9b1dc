#ifndef HAMLET_CALSA_SHIM_H
#define HAMLET_CALSA_SHIM_H
#include <alsa/asoundlib.h>

/* snd_lib_error_handler_t is variadic: Swift cannot implement one, a static inline C function can. */
static inline void hamlet_alsa_quiet_handler(const char *file, int line, const char *function,
                                             int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}

/* Stops alsa-lib printing "ALSA lib pcm.c:…" lines on stderr (process-global). */
static inline int hamlet_alsa_silence_errors(void) {
    return snd_lib_error_set_handler(hamlet_alsa_quiet_handler);
}

/* Restores alsa-lib's default stderr printer (process-global). */
static inline int hamlet_alsa_restore_errors(void) {
    return snd_lib_error_set_handler(NULL);
}

/* SND_PCM_NONBLOCK is a macro; keep the value in one place. */
static inline int hamlet_alsa_nonblock_mode(void) { return SND_PCM_NONBLOCK; }

#endif
