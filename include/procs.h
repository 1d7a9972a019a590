/* What /proc says of the tasks of a cgroup: their names, and whose cgroup it is. */
#ifndef CGW_PROCS_H
#define CGW_PROCS_H
#include <stddef.h>

#include "cgfile.h"

/* Where /proc is ("/proc" unless a test says otherwise). */
void procs_set_root(const char *);
/* Top process names with their counts, "sh 97, sleep 1": how many tasks were listed. */
unsigned procs_top(const struct cg *, char *out, size_t len);
/* Whether process pid ("self", "1") is in the cgroup rel ("/a/b") or below it. */
int procs_in_cgroup(const char *pid, const char *rel);
/* Whether the cgroup's own cgroup.procs lists pid (as this PID namespace numbers it). */
int procs_holds_pid(const struct cg *, long pid);

#endif
