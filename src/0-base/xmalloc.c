/* Allocation wrappers: the one place where out-of-memory is handled. */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "log.h"
#include "vis.h"
#include "xmalloc.h"

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		fatalx("out of memory");
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		fatalx("out of memory");
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p = reallocarray(ptr, nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		fatalx("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatalx("out of memory");
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fatalx("out of memory");
	va_end(ap);
	return s;
}

/* A copy of s escaped for a log line, the journal or a terminal (vis.h). */
char *
xvis(const char *s)
{
	size_t n = vis_str(NULL, 0, s);
	char *p = xmalloc(n + 1);

	vis_str(p, n + 1, s);
	return p;
}

/* 1: locked with MCL_ONFAULT, so that unlocking and locking again populates nothing. */
static int lock_onfault;

int
xmem_lock(void)
{
	/* MCL_ONFAULT (as earlyoom): lock what is used, not every mapped page. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0) {
		lock_onfault = 1;
		return 0;
	}
	return mlockall(MCL_CURRENT | MCL_FUTURE);
}

/*
 * A locked page cannot be given back (madvise refuses it): unlocked for
 * the time of the trim, then what is still in use is locked again, and
 * the freed pages are not faulted in again.
 */
void
xmem_give_back(void)
{
	if (lock_onfault)
		munlockall();
	malloc_trim(0);
	if (lock_onfault && mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) < 0)
		lock_onfault = 0;
}
