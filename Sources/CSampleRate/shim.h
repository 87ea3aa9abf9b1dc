#ifndef HAMLET_CSAMPLERATE_SHIM_H
#define HAMLET_CSAMPLERATE_SHIM_H
#include <samplerate.h>
#endif
