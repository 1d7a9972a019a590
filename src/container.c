/*
 * The container table: one entry per container id, holding an open
 * directory and the open kernel files of each hierarchy it appears in.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "log.h"
#include "xmalloc.h"

static long held_fds, fd_budget = -1; /* files held open, and how many may be */

static const char *const v1_files[CF_COUNT] = {
	[CF_PIDS_CUR] = "pids.current",
	[CF_PIDS_EVENTS] = "pids.events",
	[CF_PIDS_MAX] = "pids.max",
	[CF_MEM_CUR] = "memory.usage_in_bytes",
	[CF_MEM_MAX] = "memory.limit_in_bytes",
	[CF_CPU_USAGE] = "cpuacct.usage",
	[CF_CPU_MAX] = "cpu.cfs_quota_us",
	[CF_CPU_PERIOD] = "cpu.cfs_period_us",
	[CF_FREEZE] = "freezer.state",
};

static const char *const v2_files[CF_COUNT] = {
	[CF_PIDS_CUR] = "pids.current",
	[CF_PIDS_EVENTS] = "pids.events",
	[CF_PIDS_MAX] = "pids.max",
	[CF_MEM_CUR] = "memory.current",
	[CF_MEM_MAX] = "memory.max",
	[CF_CPU_USAGE] = "cpu.stat",
	[CF_CPU_MAX] = "cpu.max",
	[CF_CPU_PERIOD] = NULL,
	[CF_FREEZE] = "cgroup.events",
};

static const enum ctrl file_ctrl[CF_COUNT] = {
	[CF_PIDS_CUR] = CTRL_PIDS,
	[CF_PIDS_EVENTS] = CTRL_PIDS,
	[CF_PIDS_MAX] = CTRL_PIDS,
	[CF_MEM_CUR] = CTRL_MEMORY,
	[CF_MEM_MAX] = CTRL_MEMORY,
	[CF_CPU_USAGE] = CTRL_CPUACCT,
	[CF_CPU_MAX] = CTRL_CPU,
	[CF_CPU_PERIOD] = CTRL_CPU,
	[CF_FREEZE] = CTRL_FREEZER,
};

/* Finds the 64-hex container id in a cgroup directory name: 0, or -1 without one. */
int
container_id_from_name(const char *name, char id[ID_LEN + 1])
{
	size_t run = 0;

	for (const char *p = name;; p++) {
		if (*p && isxdigit((unsigned char)*p) && !isupper((unsigned char)*p)) {
			run++;
			continue;
		}
		if (run == ID_LEN) {
			memcpy(id, p - ID_LEN, ID_LEN);
			id[ID_LEN] = '\0';
			return 0;
		}
		run = 0;
		if (*p == '\0')
			return -1;
	}
}

struct container *
container_find(struct ctable *t, const char *id)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->c[i]->id, id) == 0)
			return t->c[i];
	return NULL;
}

/* Finds or creates the entry for id. */
struct container *
container_get(struct ctable *t, const char *id)
{
	struct container *c;

	if ((c = container_find(t, id)) != NULL)
		return c;
	c = xcalloc(1, sizeof(*c));
	memcpy(c->id, id, ID_LEN + 1);
	for (int f = 0; f < CF_COUNT; f++)
		c->src[f] = NULL;
	for (int k = 0; k < KNOB_COUNT; k++)
		c->docker_limit[k] = LIMIT_MAX;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->c = xreallocarray(t->c, t->cap, sizeof(*t->c));
	}
	t->c[t->n++] = c;
	return c;
}

/* Chooses, per file, the hierarchy sampled: v1 controllers first, then v2. */
static void
pick_sources(struct container *c)
{
	for (int f = 0; f < CF_COUNT; f++) {
		c->src[f] = NULL;
		for (int h = 0; h < MAX_HIER && c->src[f] == NULL; h++)
			if (c->cg[h] && c->cg[h]->fd[f] != -1)
				c->src[f] = c->cg[h];
	}
}

static void
cg_free(struct container *c, struct cg *g)
{
	if (g == NULL)
		return;
	for (int f = 0; f < CF_COUNT; f++)
		if (g->fd[f] >= 0) {
			close(g->fd[f]);
			held_fds--;
		}
	if (g->rel != c->rel)
		free(g->rel);
	free(g);
}

/* The absolute path of the container's directory in one hierarchy. */
const char *
container_cg_path(const struct cg *g, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", g->mount, g->rel);
	return buf;
}

/* The path of one of its files: 0, or -ENAMETOOLONG. */
int
cg_file_path(const struct cg *g, const char *file, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s/%s", g->mount, g->rel, file) >= (int)len ?
	    -ENAMETOOLONG : 0;
}

const char *
cg_filename(const struct cg *g, enum cfile f)
{
	return (g->v2 ? v2_files : v1_files)[f];
}

/* Reads a whole small file of the cgroup, NUL-terminated: its length or -errno. */
int
cg_read(const struct cg *g, enum cfile f, char *buf, size_t len)
{

	if (g == NULL || g->fd[f] == -1)
		return -ENOENT;
	if (g->fd[f] >= 0)
		return cgroup_pread(g->fd[f], buf, len);
	return cg_read_file(g, cg_filename(g, f), buf, len);
}

/* Reads a small file of the cgroup by name, opened for this read: length or -errno. */
int
cg_read_file(const struct cg *g, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];
	int fd, rc;

	if ((rc = cg_file_path(g, file, path, sizeof(path))) < 0)
		return rc;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	rc = cgroup_pread(fd, buf, len);
	close(fd);
	return rc;
}

int
cg_read_u64(const struct cg *g, enum cfile f, uint64_t *v)
{
	char buf[64];
	int rc;

	if ((rc = cg_read(g, f, buf, sizeof(buf))) < 0)
		return rc;
	return cgroup_parse_u64(buf, v);
}

int
cg_read_key(const struct cg *g, enum cfile f, const char *key, uint64_t *v)
{
	char buf[1024];
	int rc;

	if ((rc = cg_read(g, f, buf, sizeof(buf))) < 0)
		return rc;
	return cgroup_find_key(buf, key, v);
}

int
cg_write(const struct cg *g, const char *file, const char *val)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = cg_file_path(g, file, path, sizeof(path))) < 0)
		return rc;
	return cgroup_write(path, val);
}

/* Files read every pass are held open; the others are opened when read. */
static int
held(enum cfile f)
{
	return f != CF_FREEZE && f != CF_CPU_PERIOD;
}

/* Files read only to sample, never written: one hierarchy is enough. */
static int
sample_only(enum cfile f)
{
	return f == CF_PIDS_CUR || f == CF_PIDS_EVENTS || f == CF_MEM_CUR || f == CF_CPU_USAGE;
}

static int fd_limit_warned;

/*
 * Opens a file to hold; past the fd budget (the open-file limit less a
 * reserve for discovery, the sockets and the logs) it is opened at each
 * read instead, and that is said once.
 */
static int
open_file(const char *path)
{
	struct rlimit rl;
	int fd;

	if (fd_budget < 0) {
		fd_budget = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ?
		    (long)rl.rlim_cur : 1024;
		fd_budget -= fd_budget / 2 < 64 ? fd_budget / 2 : 64;
	}
	if (held_fds >= fd_budget)
		fd = -1, errno = EMFILE;
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		held_fds++;
		return fd;
	}
	if (errno == EMFILE || errno == ENFILE) {
		if (!fd_limit_warned)
			log_warnx("open file limit reached (%ld held): from now on some container "
			    "files are opened at each read (raise LimitNOFILE)", held_fds);
		fd_limit_warned = 1;
		return FD_ONDEMAND;
	}
	return -1;
}

/*
 * Adds the container's directory in hierarchy hidx and opens its files.
 * Returns 1 when it is new, 0 when already known, -errno when it cannot
 * be opened (it has just gone: not an error worth logging).
 */
int
container_attach(struct container *c, const struct hierarchy *hs, int hidx,
    const char *path)
{
	const struct hier *h = &hs->h[hidx];
	const char *const *names = h->v2 ? v2_files : v1_files;
	const char *rel = path + strlen(h->mount);
	char fpath[PATH_MAX];
	struct stat st;
	struct cg *g;

	/* Paths are kept relative to the mounts, once per container. */
	while (*rel == '/')
		rel++;
	if (c->cg[hidx] != NULL) {
		if (strcmp(c->cg[hidx]->rel, rel) == 0)
			return 0;
		container_detach(c, hidx);
	}
	if (stat(path, &st) < 0)
		return -errno;
	g = xcalloc(1, sizeof(*g));
	g->hidx = hidx;
	g->v2 = h->v2;
	g->mount = h->mount;
	if (c->rel == NULL)
		c->rel = xstrdup(rel);
	g->rel = strcmp(c->rel, rel) == 0 ? c->rel : xstrdup(rel);
	for (int f = 0; f < CF_COUNT; f++) {
		g->fd[f] = -1;
		if (names[f] == NULL || !(h->ctrls & (1u << file_ctrl[f])))
			continue;
		/* On hybrid hosts the v1 controllers count; v2 only freezes and kills. */
		if (h->v2 && sample_only(f) && cgroup_has_v1(hs, file_ctrl[f]))
			continue;
		if (cg_file_path(g, names[f], fpath, sizeof(fpath)) < 0)
			continue;
		if (!held(f))
			g->fd[f] = access(fpath, F_OK) == 0 ? FD_ONDEMAND : -1;
		else
			g->fd[f] = open_file(fpath);
	}
	c->cg[hidx] = g;
	pick_sources(c);
	return 1;
}

/* Drops the container's directory in one hierarchy, closing its files. */
void
container_detach(struct container *c, int hidx)
{
	cg_free(c, c->cg[hidx]);
	c->cg[hidx] = NULL;
	pick_sources(c);
}

int
container_present(const struct container *c)
{
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h])
			return 1;
	return 0;
}

/* The container's cgroup for the operator: the one counting its pids. */
const char *
container_path(const struct container *c, char *buf, size_t len)
{
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h] && c->cg[h] == c->src[CF_PIDS_CUR])
			return container_cg_path(c->cg[h], buf, len);
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h])
			return container_cg_path(c->cg[h], buf, len);
	snprintf(buf, len, "%s", "");
	return buf;
}

void
container_remove(struct ctable *t, struct container *c)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->c[i] == c) {
			t->c[i] = t->c[--t->n];
			break;
		}
	for (int h = 0; h < MAX_HIER; h++)
		cg_free(c, c->cg[h]);
	free(c->rel);
	free(c->name);
	free(c->image);
	free(c);
}

void
container_table_free(struct ctable *t)
{
	while (t->n)
		container_remove(t, t->c[0]);
	free(t->c);
	t->c = NULL;
	t->cap = 0;
}

/* The newest sample, or NULL before the first. */
const struct sample *
container_last(const struct container *c)
{
	if (c->nsamples == 0)
		return NULL;
	return &c->ring[(c->nsamples - 1) % RING];
}
