/*
 * Discovery.  Each container_cgroups pattern is split into path
 * components and walked under every hierarchy; every directory on the way
 * is watched with inotify, so a container (or a parent such as docker/
 * that appears later) is seen when it is created, not at the next tick.
 * A container is one 64-hex id, seen in one or more hierarchies.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "discover.h"
#include "log.h"
#include "counters.h"
#include "xmalloc.h"

#define WATCH_MASK (IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR)

struct pattern {
	char **comp;
	int n;
};

struct watch {
	int wd;
	int hidx;
	int pat;
	int level;
	char *path;
};

struct discover {
	const struct hierarchy *hs;
	struct ctable *t;
	struct pattern *pats;
	size_t npats;
	int ifd;
	struct watch *w;
	size_t nw;
	uint16_t gen; /* the cgs' width: compared for equality only */
	discover_found_cb found;
	discover_gone_cb gone;
	void *arg;
};

/* Builds the walker for the config's patterns; inotify only when asked. */
struct discover *
discover_new(const struct config *cf, const struct hierarchy *hs, struct ctable *t,
    int use_inotify, discover_found_cb found, discover_gone_cb gone, void *arg)
{
	struct discover *d = xcalloc(1, sizeof(*d));

	d->hs = hs;
	d->t = t;
	d->found = found;
	d->gone = gone;
	d->arg = arg;
	d->ifd = -1;
	if (use_inotify &&
	    (d->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
		fatal("inotify_init1");
	d->pats = xcalloc(cf->npatterns, sizeof(*d->pats));
	d->npats = cf->npatterns;
	for (size_t i = 0; i < cf->npatterns; i++) {
		char *copy = xstrdup(cf->patterns[i]), *tok, *save = NULL;
		struct pattern *p = &d->pats[i];

		for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
			p->comp = xreallocarray(p->comp, (size_t)p->n + 1, sizeof(char *));
			p->comp[p->n++] = xstrdup(tok);
		}
		free(copy);
	}
	return d;
}

int
discover_fd(const struct discover *d)
{
	return d->ifd;
}

size_t
discover_watches(const struct discover *d)
{
	return d->nw;
}

static void
add_watch(struct discover *d, int hidx, int pat, int level, const char *path)
{
	int wd;

	if (d->ifd < 0)
		return;
	if ((wd = inotify_add_watch(d->ifd, path, WATCH_MASK)) < 0) {
		if (errno != ENOENT) {
			log_warn("inotify watch on %s", path);
			counter_add(CNT_ERR_INOTIFY, 1);
		}
		return;
	}
	for (size_t i = 0; i < d->nw; i++)
		if (d->w[i].wd == wd && d->w[i].pat == pat && d->w[i].level == level)
			return;
	d->w = xreallocarray(d->w, d->nw + 1, sizeof(*d->w));
	d->w[d->nw++] = (struct watch){ wd, hidx, pat, level, xstrdup(path) };
}

static void
found(struct discover *d, int hidx, const char *path)
{
	const char *rel = path + strlen(d->hs->h[hidx].mount);
	struct container *c;
	struct cpath cp;
	int rc;

	if (container_parse_path(rel, &cp) < 0) {
		log_debug("%s: matches container_cgroups but is no container (no 64-hex id, "
		    "or a conmon scope)", path);
		return;
	}
	c = container_get(d->t, cp.id);
	if (!container_present(c)) {
		/* Who made it, told once by the path of its first directory. */
		c->runtime = cp.runtime;
		if (cp.pod_uid[0] != '\0' && c->pod_uid == NULL)
			c->pod_uid = xstrdup(cp.pod_uid);
	}
	rc = container_attach(c, d->hs, hidx, path);
	if (rc < 0) {
		if (!container_present(c))
			container_remove(d->t, c);
		return;
	}
	c->cg[hidx]->gen = d->gen;
	if (rc > 0 && d->found)
		d->found(c, hidx, d->arg);
}

static void
lost(struct discover *d, int hidx, const char *path)
{
	const char *base = strrchr(path, '/');
	char id[ID_LEN + 1];
	struct container *c;
	char cur[PATH_MAX];

	if (container_id_from_name(base ? base + 1 : path, id) < 0 ||
	    (c = container_find(d->t, id)) == NULL || c->cg[hidx] == NULL ||
	    strcmp(cg_path(c->cg[hidx], cur, sizeof(cur)), path) != 0)
		return;
	container_detach(c, hidx);
	if (!container_present(c)) {
		if (d->gone)
			d->gone(c, d->arg);
		container_remove(d->t, c);
	}
}

/* Walks pattern pat from component level down, below path. */
static void
walk(struct discover *d, int hidx, int pat, int level, const char *path)
{
	const struct pattern *p = &d->pats[pat];
	char child[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	add_watch(d, hidx, pat, level, path);
	if ((dir = opendir(path)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.' ||
		    fnmatch(p->comp[level], de->d_name, FNM_PERIOD) != 0)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", path, de->d_name) >=
		    (int)sizeof(child))
			continue;
		if (level == p->n - 1)
			found(d, hidx, child);
		else
			walk(d, hidx, pat, level + 1, child);
	}
	closedir(dir);
}

/*
 * Walks every pattern under every hierarchy, then drops what the walk no
 * longer found (at start, after an inotify overflow, after a reload).
 */
void
discover_scan(struct discover *d)
{
	d->gen = (uint16_t)(d->gen + 1);
	for (size_t h = 0; h < d->hs->n; h++)
		for (size_t i = 0; i < d->npats; i++)
			if (d->pats[i].n > 0)
				walk(d, (int)h, (int)i, 0, d->hs->h[h].mount);
	for (size_t i = 0; i < d->t->n;) {
		struct container *c = d->t->c[i];

		for (int h = 0; h < MAX_HIER; h++)
			if (c->cg[h] && c->cg[h]->gen != d->gen)
				container_detach(c, h);
		if (!container_present(c)) {
			if (d->gone)
				d->gone(c, d->arg);
			container_remove(d->t, c);
			continue; /* the last entry moved here */
		}
		i++;
	}
}

static void
forget_wd(struct discover *d, int wd)
{
	for (size_t i = 0; i < d->nw;)
		if (d->w[i].wd == wd) {
			free(d->w[i].path);
			d->w[i] = d->w[--d->nw];
		} else
			i++;
}

static void
handle_event(struct discover *d, const struct inotify_event *ev)
{
	char child[PATH_MAX];

	if (ev->mask & IN_Q_OVERFLOW) {
		log_warnx("inotify queue overflowed: rescanning every cgroup tree");
		counter_add(CNT_ERR_INOTIFY, 1);
		discover_scan(d);
		return;
	}
	if (ev->mask & IN_IGNORED) {
		forget_wd(d, ev->wd);
		return;
	}
	if (!(ev->mask & IN_ISDIR) || ev->len == 0)
		return;
	for (size_t i = 0; i < d->nw; i++) {
		struct watch w = d->w[i]; /* walk() may grow d->w */
		const struct pattern *p = &d->pats[w.pat];

		if (w.wd != ev->wd || fnmatch(p->comp[w.level], ev->name, FNM_PERIOD) != 0)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", w.path, ev->name) >=
		    (int)sizeof(child))
			continue;
		if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
			if (w.level == p->n - 1)
				found(d, w.hidx, child);
			else
				walk(d, w.hidx, w.pat, w.level + 1, child);
		} else if ((ev->mask & (IN_DELETE | IN_MOVED_FROM)) && w.level == p->n - 1) {
			lost(d, w.hidx, child);
		}
	}
}

/* Reads and handles every queued inotify event. */
void
discover_dispatch(struct discover *d)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(d->ifd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			handle_event(d, ev);
			p += sizeof(*ev) + ev->len;
		}
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		log_warn("reading inotify events");
		counter_add(CNT_ERR_INOTIFY, 1);
	}
}

void
discover_free(struct discover *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->nw; i++)
		free(d->w[i].path);
	free(d->w);
	for (size_t i = 0; i < d->npats; i++) {
		for (int j = 0; j < d->pats[i].n; j++)
			free(d->pats[i].comp[j]);
		free(d->pats[i].comp);
	}
	free(d->pats);
	if (d->ifd >= 0)
		close(d->ifd);
	free(d);
}
