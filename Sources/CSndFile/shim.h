#ifndef HAMLET_CSNDFILE_SHIM_H
#define HAMLET_CSNDFILE_SHIM_H
#include <sndfile.h>
#include "../CALSA/function_table.h"

/* The libsndfile functions the agent calls. libsndfile (and the codec libraries it loads) is
   opened with dlopen when a recording is replayed or written (AudioLibraries.swift), not linked. */
#define HAMLET_SNDFILE_FUNCTIONS(X) \
    X(sf_open) X(sf_close) X(sf_error) X(sf_strerror) X(sf_error_number) X(sf_command) \
    X(sf_readf_float) X(sf_writef_float) X(sf_writef_short)

HAMLET_FUNCTION_TABLE(hamlet_sndfile, hamlet_sndfile_resolve, HAMLET_SNDFILE_FUNCTIONS)

/* sf_command with SFC_GET_LOG_INFO: copies libsndfile's parser log for this handle into buffer. */
static inline int hamlet_sf_log_info(hamlet_sndfile sf, SNDFILE *file, char *buffer, int size) {
    return sf.sf_command(file, SFC_GET_LOG_INFO, buffer, size);
}

/* Name of the major container format (e.g. "WAV (Microsoft)") or NULL. */
static inline const char *hamlet_sf_major_format_name(hamlet_sndfile sf, int format) {
    SF_FORMAT_INFO info;
    info.format = format & SF_FORMAT_TYPEMASK;
    if (sf.sf_command(NULL, SFC_GET_FORMAT_INFO, &info, sizeof(info)) != 0) return NULL;
    return info.name;
}

/* Name of the sample encoding (e.g. "Signed 16 bit PCM") or NULL. */
static inline const char *hamlet_sf_subtype_name(hamlet_sndfile sf, int format) {
    SF_FORMAT_INFO info;
    info.format = format & SF_FORMAT_SUBMASK;
    if (sf.sf_command(NULL, SFC_GET_FORMAT_INFO, &info, sizeof(info)) != 0) return NULL;
    return info.name;
}
#endif
