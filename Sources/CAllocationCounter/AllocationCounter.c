// Replaces malloc and friends in the executable that links this target, so that a test or a
// benchmark can assert that a loop allocates nothing. glibc lets an executable define malloc:
// every library's calls (the Swift runtime's swift_slowAlloc included) resolve to it first.
// Counting is per thread, so concurrent tests do not disturb each other's counts; it forwards to
// glibc through its exported __libc_* entry points, which avoids dlsym's bootstrap recursion.
#include "CAllocationCounter.h"

#if defined(__linux__) && defined(__GLIBC__)
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

static __thread int counting;
static __thread int64_t allocations;
static int interposed;

static inline void note(void) {
    interposed = 1;
    if (counting) allocations += 1;
}

void *malloc(size_t size) { note(); return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { note(); return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { note(); return __libc_realloc(pointer, size); }
void *memalign(size_t alignment, size_t size) { note(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { note(); return __libc_memalign(alignment, size); }

int posix_memalign(void **result, size_t alignment, size_t size) {
    note();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return 12; /* ENOMEM */
    *result = pointer;
    return 0;
}

void hamlet_allocation_counting_begin(void) { allocations = 0; counting = 1; }
int64_t hamlet_allocation_counting_end(void) { counting = 0; return allocations; }
int hamlet_allocation_counting_available(void) {
    void *probe = malloc(1);
    extern void free(void *);
    free(probe);
    return interposed;
}
#else
void hamlet_allocation_counting_begin(void) {}
int64_t hamlet_allocation_counting_end(void) { return 0; }
int hamlet_allocation_counting_available(void) { return 0; }
#endif
