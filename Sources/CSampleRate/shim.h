#ifndef HAMLET_CSAMPLERATE_SHIM_H
#define HAMLET_CSAMPLERATE_SHIM_H
#include <samplerate.h>
#include "../CALSA/function_table.h"

/* The libsamplerate functions the agent calls, opened with dlopen when a recording needs
   resampling (AudioLibraries.swift), not linked. */
#define HAMLET_SAMPLERATE_FUNCTIONS(X) \
    X(src_new) X(src_delete) X(src_process) X(src_strerror) X(src_is_valid_ratio)

HAMLET_FUNCTION_TABLE(hamlet_samplerate, hamlet_samplerate_resolve, HAMLET_SAMPLERATE_FUNCTIONS)
#endif
