#ifndef HAMLET_MALLOC_COUNTER_H
#define HAMLET_MALLOC_COUNTER_H

#include <stdbool.h>
#include <stdint.h>

/// Process-wide allocation counters, updated by the malloc family that this target defines
/// in the benchmark executable (it replaces glibc's entry points and forwards to __libc_*).
typedef struct {
    int64_t allocations;   ///< malloc, calloc, realloc (growing or new), posix_memalign, aligned_alloc, memalign, valloc
    int64_t bytes;         ///< bytes requested by those calls
    int64_t frees;         ///< free of a non-null pointer
} hamlet_malloc_counts;

/// True when this process's malloc is the counting one (false e.g. on macOS, where it is not interposed).
bool hamlet_malloc_counter_active(void);
/// Starts or stops counting; counting starts stopped.
void hamlet_malloc_counter_enable(bool enabled);
void hamlet_malloc_counter_reset(void);
hamlet_malloc_counts hamlet_malloc_counter_read(void);

#endif
