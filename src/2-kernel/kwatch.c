/*
 * Kernel notifications.  On cgroup v2 the kernel raises an inotify modify
 * event when pids.events changes (a fork refused by pids.max), when
 * cgroup.events changes (frozen, populated) and when memory.events does
 * (high, max, oom): the container is sampled and judged then, not at the
 * next tick.  v1's pids.events raises nothing, so v1 containers rely on
 * sampling (the fast rate the guard asks of the sampler).  A watch goes away by itself with its
 * cgroup (IN_IGNORED).  On a hybrid host the unified tree has only
 * cgroup.events: it confirms a freeze.
 */
#include <errno.h>
#include <event2/event.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "kwatch.h"
#include "log.h"
#include "xmalloc.h"

/* 16 bytes: a host with 5,000 containers has some 20,000 of them. */
struct kw {
	int wd;
	enum kw_kind kind;
	void *tag;
};

struct kwatch {
	int fd;
	struct event *ev;
	struct kw *w;
	size_t n, cap;
	kwatch_cb cb;
	void *arg;
};

/*
 * The kernel hands out watch descriptors in rising order, and the table
 * keeps that order, so that an event finds its watch by bisection even
 * among tens of thousands: the watch of wd, or where it would go.
 */
static size_t
find(const struct kwatch *k, int wd)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->w[mid].wd < wd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
forget(struct kwatch *k, int wd)
{
	size_t i = find(k, wd);

	if (i < k->n && k->w[i].wd == wd) {
		memmove(&k->w[i], &k->w[i + 1], (k->n - i - 1) * sizeof(k->w[0]));
		k->n--;
	}
}

static void
readable(evutil_socket_t fd, short what, void *arg)
{
	struct kwatch *k = arg;
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	(void)what;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_IGNORED) {
				forget(k, ev->wd);
				continue;
			}
			size_t i = find(k, ev->wd);

			/* the callback may add or forget watches: the table may move */
			if (i < k->n && k->w[i].wd == ev->wd)
				k->cb(k->w[i].tag, k->w[i].kind, k->arg);
		}
}

struct kwatch *
kwatch_new(struct event_base *base, kwatch_cb cb, void *arg)
{
	struct kwatch *k = xcalloc(1, sizeof(*k));

	if ((k->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
		fatal("inotify_init1");
	k->cb = cb;
	k->arg = arg;
	k->ev = event_new(base, k->fd, EV_READ | EV_PERSIST, readable, k);
	event_add(k->ev, NULL);
	return k;
}

void
kwatch_free(struct kwatch *k)
{
	if (k == NULL)
		return;
	event_free(k->ev);
	close(k->fd);
	free(k->w);
	free(k);
}

/*
 * Watches one file of a container for modification, or a directory
 * (KW_NESTED) for directories made or removed in it: 0, or -errno.
 */
static int
kwatch_add(struct kwatch *k, const char *path, void *tag, enum kw_kind kind)
{
	int wd = inotify_add_watch(k->fd, path, kind == KW_NESTED ?
	    IN_CREATE | IN_DELETE | IN_ONLYDIR : IN_MODIFY);
	size_t i;

	if (wd < 0)
		return -errno;
	i = find(k, wd);
	if (i < k->n && k->w[i].wd == wd) {
		k->w[i].tag = tag;
		return 0;
	}
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 64;
		k->w = xreallocarray(k->w, k->cap, sizeof(*k->w));
	}
	memmove(&k->w[i + 1], &k->w[i], (k->n - i) * sizeof(k->w[0]));
	k->w[i].wd = wd;
	k->w[i].kind = kind;
	k->w[i].tag = tag;
	k->n++;
	return 0;
}

/* 0, or -errno (-ENOENT: the file is not there, nothing to watch). */
static int
watch_file(struct kwatch *k, const struct cg *g, const char *file, void *tag,
    enum kw_kind kind)
{
	char path[PATH_MAX];
	int rc;

	if (cg_file_path(g, file, path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	if ((rc = kwatch_add(k, path, tag, kind)) < 0 && rc != -ENOENT)
		log_debug("%s: no inotify watch: %s", path, strerror(-rc));
	return rc;
}

/* Watches the container's v2 event files, where it has them. */
void
kwatch_dir(struct kwatch *k, const struct cg *g, void *tag)
{
	if (k == NULL || g == NULL || !g->v2)
		return;
	if (g->fd[CF_PIDS_EVENTS] != -1)
		watch_file(k, g, "pids.events", tag, KW_EVENTS);
	if (g->fd[CF_MEM_CUR] != -1)
		watch_file(k, g, "memory.events", tag, KW_EVENTS);
	watch_file(k, g, "cgroup.events", tag, KW_EVENTS);
}

struct below {
	struct kwatch *k;
	void *tag;
	int v2;
};

/* A cgroup below a container's: watched for what is made in it, and on v2 its pids.events. */
static int
watch_below(int dirfd, uint64_t ino, void *arg)
{
	const struct below *b = arg;
	char path[64];

	(void)ino;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", dirfd);
	kwatch_add(b->k, path, b->tag, KW_NESTED);
	if (b->v2) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d/pids.events", dirfd);
		kwatch_add(b->k, path, b->tag, KW_EVENTS);
	}
	return 0;
}

void
kwatch_nested(struct kwatch *k, const struct cg *g, void *tag)
{
	struct below b = { k, tag, g != NULL && g->v2 };
	char path[PATH_MAX];
	int rc;

	if (k == NULL || g == NULL || !g->pids_leaf || g->fd[CF_PIDS_EVENTS] == -1)
		return;
	if ((rc = kwatch_add(k, cg_path(g, path, sizeof(path)), tag, KW_NESTED)) < 0)
		log_debug("%s: no inotify watch: %s", path, strerror(-rc));
	if (g->nested)
		cg_walk_below(g, watch_below, &b);
}

int
kwatch_limits(struct kwatch *k, const struct cg *g, void *tag)
{
	static const enum cfile limit_file[] = { CF_PIDS_MAX, CF_MEM_MAX, CF_CPU_MAX };
	int rc = 0, r;

	if (k == NULL || g == NULL)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(limit_file) / sizeof(limit_file[0]); i++) {
		if (g->fd[limit_file[i]] == -1)
			continue;
		if ((r = watch_file(k, g, cg_filename(g, limit_file[i]), tag, KW_LIMIT)) < 0 &&
		    r != -ENOENT)
			rc = r;
	}
	return rc;
}

void
kwatch_forget(struct kwatch *k, const void *tag)
{
	size_t j = 0;

	for (size_t i = 0; k != NULL && i < k->n; i++)
		if (k->w[i].tag == tag)
			inotify_rm_watch(k->fd, k->w[i].wd); /* EINVAL once its cgroup is gone */
		else
			k->w[j++] = k->w[i];
	if (k != NULL)
		k->n = j;
}

size_t
kwatch_count(const struct kwatch *k, enum kw_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; k != NULL && i < k->n; i++)
		n += k->w[i].kind == kind;
	return n;
}
