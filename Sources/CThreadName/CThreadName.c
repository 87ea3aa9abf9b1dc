/* The shim is a static inline function in include/CThreadName.h; SwiftPM needs one source file. */
#include "CThreadName.h"
