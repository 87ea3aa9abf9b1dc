// Counts heap allocations of the whole process, for the benchmark's "mallocs per step".
//
// On Linux (glibc) an executable may replace malloc and friends by defining them: the dynamic
// linker resolves every library's malloc (libswiftCore's swift_slowAlloc, Foundation, libc's own
// strdup, ...) to the executable's definition first. Each replacement counts, then forwards to
// glibc's real implementation through its exported __libc_* aliases (no dlsym, so no bootstrap
// recursion). Counting is off until enabled, so setup costs nothing; the counters are relaxed
// atomics, so a count taken around a single-threaded loop is exact.
#include "MallocCounter.h"

#if defined(__linux__) && defined(__GLIBC__)

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void __libc_free(void *pointer);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

static int counting;
static int64_t allocationCount, byteCount, freeCount;
static int interposed;

static inline void noteAllocation(size_t size) {
    interposed = 1;
    if (__atomic_load_n(&counting, __ATOMIC_RELAXED)) {
        __atomic_fetch_add(&allocationCount, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&byteCount, (int64_t)size, __ATOMIC_RELAXED);
    }
}

void *malloc(size_t size) {
    noteAllocation(size);
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    noteAllocation(count * size);
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    noteAllocation(size);
    return __libc_realloc(pointer, size);
}

void *reallocarray(void *pointer, size_t count, size_t size) {
    size_t total;
    if (__builtin_mul_overflow(count, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(pointer, total);
}

void free(void *pointer) {
    if (pointer && __atomic_load_n(&counting, __ATOMIC_RELAXED)) {
        __atomic_fetch_add(&freeCount, 1, __ATOMIC_RELAXED);
    }
    __libc_free(pointer);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0 || alignment == 0) return EINVAL;
    noteAllocation(size);
    void *pointer = __libc_memalign(alignment, size);
    if (!pointer) return ENOMEM;
    *result = pointer;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t size) {
    noteAllocation(size);
    return __libc_memalign(alignment, size);
}

void *memalign(size_t alignment, size_t size) {
    noteAllocation(size);
    return __libc_memalign(alignment, size);
}

void *valloc(size_t size) {
    noteAllocation(size);
    return __libc_valloc(size);
}

void *pvalloc(size_t size) {
    noteAllocation(size);
    return __libc_pvalloc(size);
}

bool hamlet_malloc_counter_active(void) { return interposed != 0; }

#else

bool hamlet_malloc_counter_active(void) { return false; }

#endif

#if defined(__linux__) && defined(__GLIBC__)
void hamlet_malloc_counter_enable(bool enabled) { __atomic_store_n(&counting, enabled ? 1 : 0, __ATOMIC_RELAXED); }

void hamlet_malloc_counter_reset(void) {
    __atomic_store_n(&allocationCount, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&byteCount, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&freeCount, 0, __ATOMIC_RELAXED);
}

hamlet_malloc_counts hamlet_malloc_counter_read(void) {
    hamlet_malloc_counts counts = {
        __atomic_load_n(&allocationCount, __ATOMIC_RELAXED),
        __atomic_load_n(&byteCount, __ATOMIC_RELAXED),
        __atomic_load_n(&freeCount, __ATOMIC_RELAXED),
    };
    return counts;
}
#else
void hamlet_malloc_counter_enable(bool enabled) { (void)enabled; }
void hamlet_malloc_counter_reset(void) {}
hamlet_malloc_counts hamlet_malloc_counter_read(void) {
    hamlet_malloc_counts counts = {0, 0, 0};
    return counts;
}
#endif
