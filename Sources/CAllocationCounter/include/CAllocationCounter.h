#ifndef CALLOCATIONCOUNTER_H
#define CALLOCATIONCOUNTER_H

#include <stdint.h>

/// Starts counting heap allocations made by the calling thread (tests and benchmarks only).
void hamlet_allocation_counting_begin(void);
/// Stops counting on the calling thread and returns how many allocations it made since begin.
int64_t hamlet_allocation_counting_end(void);
/// Whether this process's malloc is the counting one (false where interposition is unsupported).
int hamlet_allocation_counting_available(void);

#endif
