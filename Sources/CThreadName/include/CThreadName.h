#ifndef HAMLET_CTHREADNAME_H
#define HAMLET_CTHREADNAME_H
#include <sys/prctl.h>

/* Names the calling thread (visible in top -H, gdb); prctl is variadic, so Swift needs a shim. */
static inline int hamlet_set_thread_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}

/* The calling thread's name into `name` (at least 16 bytes), to check what the kernel holds. */
static inline int hamlet_get_thread_name(char *name) {
    return prctl(PR_GET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}

#endif
