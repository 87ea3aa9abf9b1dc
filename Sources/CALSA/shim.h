#ifndef HAMLET_CALSA_SHIM_H
#define HAMLET_CALSA_SHIM_H
#include <alsa/asoundlib.h>
#include "function_table.h"

/* The alsa-lib functions the agent calls. libasound is opened with dlopen when an ALSA source
   starts (AudioLibraries.swift), not linked: a run without an audio source then does not map
   it (about 0.3 MB of the 1.2 MB the audio libraries cost every run, docs/footprint.md). */
#define HAMLET_ALSA_FUNCTIONS(X) \
    X(snd_strerror) X(snd_lib_error_set_handler) \
    X(snd_config_top) X(snd_config_load) X(snd_config_delete) \
    X(snd_input_buffer_open) X(snd_input_close) \
    X(snd_pcm_open) X(snd_pcm_open_lconf) X(snd_pcm_close) X(snd_pcm_start) \
    X(snd_pcm_readi) X(snd_pcm_wait) X(snd_pcm_recover) \
    X(snd_pcm_hw_params_malloc) X(snd_pcm_hw_params_free) X(snd_pcm_hw_params_any) \
    X(snd_pcm_hw_params_set_access) X(snd_pcm_hw_params_set_format) X(snd_pcm_hw_params_set_channels) \
    X(snd_pcm_hw_params_set_rate) X(snd_pcm_hw_params_set_period_size_near) \
    X(snd_pcm_hw_params_set_buffer_size_near) X(snd_pcm_hw_params) \
    X(snd_pcm_sw_params_malloc) X(snd_pcm_sw_params_free) X(snd_pcm_sw_params_current) \
    X(snd_pcm_sw_params_set_avail_min) X(snd_pcm_sw_params)

HAMLET_FUNCTION_TABLE(hamlet_alsa, hamlet_alsa_resolve, HAMLET_ALSA_FUNCTIONS)

/* snd_lib_error_handler_t is variadic: Swift cannot implement one, a static inline C function can. */
static inline void hamlet_alsa_quiet_handler(const char *file, int line, const char *function,
                                             int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}

/* Stops alsa-lib printing "ALSA lib pcm.c:…" lines on stderr (process-global). */
static inline int hamlet_alsa_silence_errors(hamlet_alsa alsa) {
    return alsa.snd_lib_error_set_handler(hamlet_alsa_quiet_handler);
}

/* Restores alsa-lib's default stderr printer (process-global). */
static inline int hamlet_alsa_restore_errors(hamlet_alsa alsa) {
    return alsa.snd_lib_error_set_handler(NULL);
}

/* SND_PCM_NONBLOCK is a macro; keep the value in one place. */
static inline int hamlet_alsa_nonblock_mode(void) { return SND_PCM_NONBLOCK; }

#endif
