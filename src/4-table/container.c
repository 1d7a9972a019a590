/*
 * The container table: one entry per container id, holding the handles
 * of its directory in each hierarchy it appears in (cgfile.c opens their
 * files), and what is read through them for the whole container.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "container.h"
#include "limitfile.h"
#include "xmalloc.h"

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

static int
prefixed(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncmp(s, prefix, n) == 0;
}

/*
 * A pod's uid from one path component: "pod<uid>" (cgroupfs driver) or
 * "kubepods[-<qos>]-pod<uid with _>.slice" (systemd driver); 0, or -1.
 */
static int
pod_uid_of(const char *comp, size_t len, char *uid, size_t ulen)
{
	const char *u = NULL, *end = comp + len;
	size_t n;

	if (prefixed(comp, len, "pod"))
		u = comp + 3;
	else if (prefixed(comp, len, "kubepods") && len > 6 &&
	    strncmp(end - 6, ".slice", 6) == 0) {
		end -= 6;
		u = memmem(comp, (size_t)(end - comp), "-pod", 4);
		if (u != NULL)
			u += 4;
	}
	if (u == NULL || (n = (size_t)(end - u)) == 0 || n >= ulen)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)u[i]) && u[i] != '-' && u[i] != '_')
			return -1;
		uid[i] = u[i] == '_' ? '-' : u[i];
	}
	uid[n] = '\0';
	return 0;
}

/*
 * Which runtime made a container cgroup, from its path: the name each
 * gives its directory (docker-, libpod-, cri-containerd-, crio-), and a
 * bare id below a kubepods tree is containerd's cgroupfs driver (CRI-O's
 * says crio- with both drivers).  The conmon scopes beside Podman's and
 * CRI-O's containers hold the monitor, never the container: no container.
 */
int
container_parse_path(const char *path, struct cpath *p)
{
	const char *base = strrchr(path, '/'), *s, *e;
	size_t blen;
	int kube = 0;

	memset(p, 0, sizeof(*p));
	base = base ? base + 1 : path;
	blen = strlen(base);
	if (prefixed(base, blen, "libpod-conmon-") || prefixed(base, blen, "crio-conmon-") ||
	    container_id_from_name(base, p->id) < 0)
		return -1;
	for (s = path; *s; s = *e ? e + 1 : e) {
		size_t len;

		e = strchrnul(s, '/');
		len = (size_t)(e - s);
		if (s == base)
			break;
		if (prefixed(s, len, "kubepods"))
			kube = 1;
		if (p->pod_uid[0] == '\0')
			pod_uid_of(s, len, p->pod_uid, sizeof(p->pod_uid));
	}
	if (prefixed(base, blen, "libpod-"))
		p->runtime = RT_PODMAN;
	else if (prefixed(base, blen, "cri-containerd-"))
		p->runtime = RT_CONTAINERD;
	else if (prefixed(base, blen, "crio-"))
		p->runtime = RT_CRIO;
	else if (prefixed(base, blen, "docker-"))
		p->runtime = RT_DOCKER;
	else
		p->runtime = kube ? RT_CONTAINERD : RT_DOCKER;
	if (!kube)
		p->pod_uid[0] = '\0';
	return 0;
}

const char *
container_runtime_name(enum runtime r)
{
	static const char *const names[RT_COUNT] = { "docker", "podman", "containerd", "crio" };

	return (unsigned)r < RT_COUNT ? names[r] : "unknown";
}

int
container_kubernetes(const struct container *c)
{
	return c->runtime == RT_CONTAINERD || c->runtime == RT_CRIO;
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
		c->src[f] = 0;
		for (int h = 0; h < MAX_HIER && c->src[f] == 0; h++)
			if (c->cg[h] && c->cg[h]->fd[f] != -1)
				c->src[f] = (uint8_t)(h + 1);
	}
}

static void
cg_free(struct container *c, struct cg *g)
{
	if (g == NULL)
		return;
	if (g->rel != c->rel)
		free(g->rel);
	cg_close(g);
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
	const char *rel = path + strlen(h->mount);
	struct stat st;

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
	if (c->rel == NULL)
		c->rel = xstrdup(rel);
	c->cg[hidx] = cg_open(hs, hidx, strcmp(c->rel, rel) == 0 ? c->rel : xstrdup(rel));
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
		if (c->cg[h] && h + 1 == c->src[CF_PIDS_CUR])
			return cg_path(c->cg[h], buf, len);
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h])
			return cg_path(c->cg[h], buf, len);
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
	free(c->namespace);
	free(c->pod);
	free(c->pod_uid);
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

const char *
container_label(const struct container *c, char *buf, size_t len)
{
	int n;

	if (c->name)
		n = snprintf(buf, len, "%s (%.12s)", c->name, c->id);
	else
		n = snprintf(buf, len, "%.12s", c->id);
	/* A pod's container is known by its pod first: kubectl -n NS get pod POD. */
	if (c->pod != NULL && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " in pod %s/%s",
		    c->namespace ? c->namespace : "?", c->pod);
	return buf;
}

int
container_limit(const struct container *c, enum knob k, uint64_t *v)
{
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h] && limit_read(c->cg[h], k, v) == 0)
			return 0;
	*v = LIMIT_MAX;
	return -1;
}

/* Its v2 directory, the v1 freezer's, and one that lists tasks: pids (v1) first, then v2, then any. */
void
container_dirs(const struct container *c, struct cgdirs *d)
{
	const struct cg *frz = container_src(c, CF_FREEZE);

	d->v2 = NULL;
	for (int h = 0; h < MAX_HIER && d->v2 == NULL; h++)
		if (c->cg[h] != NULL && c->cg[h]->v2)
			d->v2 = c->cg[h];
	d->v1frz = frz != NULL && !frz->v2 ? frz : NULL;
	d->procs = container_src(c, CF_PIDS_CUR);
	if (d->procs == NULL)
		d->procs = d->v2;
	for (int h = 0; h < MAX_HIER && d->procs == NULL; h++)
		d->procs = c->cg[h];
}

void
container_note(const struct container *c, const char *key, const char *val)
{
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h] != NULL)
			cg_note_set(c->cg[h], key, val);
}

int
container_read_note(const struct container *c, const char *key, char *buf, size_t len)
{
	int n;

	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h] != NULL && (n = cg_note_get(c->cg[h], key, buf, len)) > 0)
			return n;
	return -1;
}
