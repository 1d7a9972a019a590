/*
 * One place that builds an event about a container: who it is and its
 * counts now, its label for the message line, then told to every sink.
 */
#ifndef CGW_NOTICE_H
#define CGW_NOTICE_H

#include "container.h"
#include "events.h"

struct notice {
	struct gevent e;
	char label[128]; /* "name (0123456789ab)" */
	char cgroup[4096];
	char message[4096];
};

/* Fills the event about c: kind, who, rule, cgroup, pids now and pids.max as the kernel has it. */
void notice_init(struct notice *, enum gev_kind, const struct container *);
/* Formats the message line and tells the event once. */
void notice_emit(struct notice *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
