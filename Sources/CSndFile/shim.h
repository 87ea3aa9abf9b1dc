#ifndef HAMLET_CSNDFILE_SHIM_H
#define HAMLET_CSNDFILE_SHIM_H
#include <sndfile.h>
#include <dlfcn.h>
#include <stddef.h>

/* The libsndfile functions the agent calls. libsndfile (and the codec libraries it loads) is
   opened with dlopen when a recording is replayed or written (AudioLibraries.swift), not linked. */
#define HAMLET_SNDFILE_FUNCTIONS(X) \
    X(sf_open) X(sf_close) X(sf_error) X(sf_strerror) X(sf_error_number) X(sf_command) \
    X(sf_readf_float) X(sf_writef_float) X(sf_writef_short)

#define HAMLET_SNDFILE_FIELD(name) __typeof__(&name) name;
typedef struct hamlet_sndfile { HAMLET_SNDFILE_FUNCTIONS(HAMLET_SNDFILE_FIELD) } hamlet_sndfile;
#undef HAMLET_SNDFILE_FIELD

/* Fills `table` from the dlopen handle; returns the first name not found, or NULL. */
static inline const char *hamlet_sndfile_resolve(void *handle, hamlet_sndfile *table) {
#define HAMLET_SNDFILE_RESOLVE(name) \
    if (!(table->name = (__typeof__(&name))dlsym(handle, #name))) return #name;
    HAMLET_SNDFILE_FUNCTIONS(HAMLET_SNDFILE_RESOLVE)
#undef HAMLET_SNDFILE_RESOLVE
    return NULL;
}

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
