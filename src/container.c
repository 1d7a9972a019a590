/*
 * The container table: one entry per container id, holding an open
 * directory and the open kernel files of each hierarchy it appears in.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "xmalloc.h"

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
		c->sfd[f] = -1;
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
		c->sfd[f] = -1;
		for (int h = 0; h < MAX_HIER; h++)
			if (c->cg[h] && c->cg[h]->fd[f] >= 0) {
				c->sfd[f] = c->cg[h]->fd[f];
				if (f == CF_CPU_USAGE)
					c->cpu_v2 = c->cg[h]->v2;
				break;
			}
	}
}

static void
cg_free(struct cg *g)
{
	if (g == NULL)
		return;
	for (int f = 0; f < CF_COUNT; f++)
		if (g->fd[f] >= 0)
			close(g->fd[f]);
	if (g->dirfd >= 0)
		close(g->dirfd);
	free(g->path);
	free(g);
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
	struct cg *g;
	int dirfd;

	if (c->cg[hidx] != NULL) {
		if (strcmp(c->cg[hidx]->path, path) == 0)
			return 0;
		container_detach(c, hidx);
	}
	if ((dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	g = xcalloc(1, sizeof(*g));
	g->hidx = hidx;
	g->v2 = h->v2;
	g->path = xstrdup(path);
	g->dirfd = dirfd;
	for (int f = 0; f < CF_COUNT; f++) {
		g->fd[f] = -1;
		if (names[f] && (h->ctrls & (1u << file_ctrl[f])))
			g->fd[f] = openat(dirfd, names[f], O_RDONLY | O_CLOEXEC);
	}
	c->cg[hidx] = g;
	pick_sources(c);
	return 1;
}

/* Drops the container's directory in one hierarchy, closing its files. */
void
container_detach(struct container *c, int hidx)
{
	cg_free(c->cg[hidx]);
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
container_path(const struct container *c)
{
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h] && c->cg[h]->fd[CF_PIDS_CUR] >= 0)
			return c->cg[h]->path;
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h])
			return c->cg[h]->path;
	return "";
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
		cg_free(c->cg[h]);
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
