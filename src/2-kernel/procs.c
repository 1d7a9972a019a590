/*
 * What /proc says of a cgroup's tasks: the names that run in it (the
 * evidence of a spike), and whether the daemon or init is inside (a
 * cgroup never acted on).  /proc's place is injectable, as cgroup_root is.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procs.h"

#define MAX_TOP_PIDS 2048 /* processes whose names are read */
#define MAX_NAMES 64

static char proc_root[PATH_MAX] = "/proc";

void
procs_set_root(const char *root)
{
	snprintf(proc_root, sizeof(proc_root), "%s", root);
}

/*
 * The lines of /proc/PID/cgroup end in the path; a container's directory
 * is the same path below each mount.
 */
int
procs_in_cgroup(const char *pid, const char *rel)
{
	char buf[4096], file[PATH_MAX];
	size_t len = strlen(rel);
	FILE *f;
	int found = 0;

	if (snprintf(file, sizeof(file), "%s/%s/cgroup", proc_root, pid) >= (int)sizeof(file) ||
	    (f = fopen(file, "re")) == NULL)
		return 0;
	while (!found && fgets(buf, sizeof(buf), f) != NULL) {
		char *path = strchr(buf, ':');

		if (path == NULL || (path = strchr(path + 1, ':')) == NULL)
			continue;
		path++;
		path[strcspn(path, "\n")] = '\0';
		found = strncmp(path, rel, len) == 0 && (path[len] == '\0' || path[len] == '/');
	}
	fclose(f);
	return found;
}

struct name_count {
	char name[16];
	unsigned n;
};

static int
by_count(const void *a, const void *b)
{
	const struct name_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

/*
 * The top process names in the container with their counts, "sh 97,
 * sleep 1", read from cgroup.procs and /proc/PID/comm (at most
 * MAX_TOP_PIDS processes: enough to name a bomb).  Returns the number of
 * processes listed.
 */
unsigned
procs_top(const struct cg *g, char *out, size_t len)
{
	static struct name_count names[MAX_NAMES];
	const char *procs;
	char *end;
	unsigned total = 0, nnames = 0, other = 0;
	size_t off = 0;

	*out = '\0';
	if (g == NULL || cg_read_procs(g, &procs) <= 0)
		return 0;
	for (const char *p = procs; *p; p = end) {
		long pid = strtol(p, &end, 10);
		char path[PATH_MAX], comm[16];
		unsigned i;
		int fd;
		ssize_t n;

		if (end == p)
			break;
		while (*end == '\n')
			end++;
		if (++total > MAX_TOP_PIDS)
			continue;
		if (snprintf(path, sizeof(path), "%s/%ld/comm", proc_root, pid) >= (int)sizeof(path) ||
		    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (n <= 0)
			continue;
		comm[n] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		for (i = 0; i < nnames && strcmp(names[i].name, comm) != 0; i++)
			;
		if (i == nnames) {
			if (nnames == MAX_NAMES) {
				other++;
				continue;
			}
			snprintf(names[nnames].name, sizeof(names[0].name), "%s", comm);
			names[nnames++].n = 0;
		}
		names[i].n++;
	}
	qsort(names, nnames, sizeof(names[0]), by_count);
	for (unsigned i = 0; i < nnames && i < 5 && off < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%s %u", i ? ", " : "",
		    names[i].name, names[i].n);
	if (nnames > 5 && off < len)
		off += (size_t)snprintf(out + off, len - off, ", %u more names", nnames - 5);
	if (total > MAX_TOP_PIDS && off < len)
		snprintf(out + off, len - off, " (first %u of %u processes)", MAX_TOP_PIDS,
		    total);
	(void)other;
	return total;
}

/*
 * Whether the cgroup's own cgroup.procs lists pid.  cgroup.procs shows
 * pids as the reader's PID namespace sees them, so this holds whatever
 * the namespaces: in a pod's private cgroup namespace /proc/self/cgroup
 * says "/", and only this recognises the daemon's own container.
 */
int
procs_holds_pid(const struct cg *g, long pid)
{
	const char *procs;
	char *end;

	if (g == NULL || cg_read_procs(g, &procs) <= 0)
		return 0;
	for (const char *p = procs; *p; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (v == pid)
			return 1;
		while (*end == '\n')
			end++;
	}
	return 0;
}
