#ifndef HAMLET_CSNDFILE_SHIM_H
#define HAMLET_CSNDFILE_SHIM_H
#include <sndfile.h>

/* sf_command with SFC_GET_LOG_INFO: copies libsndfile's parser log for this handle into buffer. */
static inline int hamlet_sf_log_info(SNDFILE *file, char *buffer, int size) {
    return sf_command(file, SFC_GET_LOG_INFO, buffer, size);
}

/* Name of the major container format (e.g. "WAV (Microsoft)") or NULL. */
static inline const char *hamlet_sf_major_format_name(int format) {
    SF_FORMAT_INFO info;
    info.format = format & SF_FORMAT_TYPEMASK;
    if (sf_command(NULL, SFC_GET_FORMAT_INFO, &info, sizeof(info)) != 0) return NULL;
    return info.name;
}

/* Name of the sample encoding (e.g. "Signed 16 bit PCM") or NULL. */
static inline const char *hamlet_sf_subtype_name(int format) {
    SF_FORMAT_INFO info;
    info.format = format & SF_FORMAT_SUBMASK;
    if (sf_command(NULL, SFC_GET_FORMAT_INFO, &info, sizeof(info)) != 0) return NULL;
    return info.name;
}
#endif
