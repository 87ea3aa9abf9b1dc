#ifndef HAMLET_CSAMPLERATE_SHIM_H
#define HAMLET_CSAMPLERATE_SHIM_H
#include <samplerate.h>
#include <dlfcn.h>
#include <stddef.h>

/* The libsamplerate functions the agent calls, opened with dlopen when a recording needs
   resampling (AudioLibraries.swift), not linked. */
#define HAMLET_SAMPLERATE_FUNCTIONS(X) \
    X(src_new) X(src_delete) X(src_process) X(src_strerror) X(src_is_valid_ratio)

#define HAMLET_SAMPLERATE_FIELD(name) __typeof__(&name) name;
typedef struct hamlet_samplerate { HAMLET_SAMPLERATE_FUNCTIONS(HAMLET_SAMPLERATE_FIELD) } hamlet_samplerate;
#undef HAMLET_SAMPLERATE_FIELD

/* Fills `table` from the dlopen handle; returns the first name not found, or NULL. */
static inline const char *hamlet_samplerate_resolve(void *handle, hamlet_samplerate *table) {
#define HAMLET_SAMPLERATE_RESOLVE(name) \
    if (!(table->name = (__typeof__(&name))dlsym(handle, #name))) return #name;
    HAMLET_SAMPLERATE_FUNCTIONS(HAMLET_SAMPLERATE_RESOLVE)
#undef HAMLET_SAMPLERATE_RESOLVE
    return NULL;
}
#endif
