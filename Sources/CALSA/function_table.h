#ifndef HAMLET_FUNCTION_TABLE_H
#define HAMLET_FUNCTION_TABLE_H
/* A shared library opened with dlopen, called through a table of function pointers typed from
   its own header's declarations. Included by the shims of CALSA, CSndFile and CSampleRate. */
#include <dlfcn.h>
#include <stddef.h>

#define HAMLET_TABLE_FIELD(name) __typeof__(&name) name;
#define HAMLET_TABLE_RESOLVE(name) \
    if (!(table->name = (__typeof__(&name))dlsym(handle, #name))) return #name;

/* Declares `struct type` with one pointer for each function LIST names, and
   `const char *resolve(void *handle, type *table)`, which fills it from a dlopen handle and
   returns the first name not found, or NULL. */
#define HAMLET_FUNCTION_TABLE(type, resolve, LIST) \
    typedef struct type { LIST(HAMLET_TABLE_FIELD) } type; \
    static inline const char *resolve(void *handle, type *table) { LIST(HAMLET_TABLE_RESOLVE) return NULL; }

#endif
