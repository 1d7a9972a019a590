/* Allocation that cannot fail: running out of memory is fatal here. */
#ifndef CGW_XMALLOC_H
#define CGW_XMALLOC_H
#include <stddef.h>

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvis(const char *s);
/* Locks the daemon's memory (no paging): every page it uses, as it uses it. */
int xmem_lock(void);
/* Gives the pages the allocator holds free back to the kernel (after churn). */
void xmem_give_back(void);

#endif
