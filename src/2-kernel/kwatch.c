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

#define KW_ID_LEN 64 /* the ids told back: container ids */

struct kw {
	int wd;
	char id[KW_ID_LEN + 1];
};

struct kwatch {
	int fd;
	struct event *ev;
	struct kw *w;
	size_t n, cap;
	kwatch_cb cb;
	void *arg;
};

static void
forget(struct kwatch *k, int wd)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->w[i].wd == wd) {
			k->w[i] = k->w[--k->n];
			return;
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
			for (size_t i = 0; i < k->n; i++)
				if (k->w[i].wd == ev->wd) {
					char id[KW_ID_LEN + 1];

					/* the callback may add watches: copy first */
					memcpy(id, k->w[i].id, sizeof(id));
					k->cb(id, k->arg);
					break;
				}
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

/* Watches one file of a container for modification: 0, or -errno. */
static int
kwatch_add(struct kwatch *k, const char *path, const char *id)
{
	int wd = inotify_add_watch(k->fd, path, IN_MODIFY);

	if (wd < 0)
		return -errno;
	for (size_t i = 0; i < k->n; i++)
		if (k->w[i].wd == wd)
			return 0;
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 64;
		k->w = xreallocarray(k->w, k->cap, sizeof(*k->w));
	}
	k->w[k->n].wd = wd;
	snprintf(k->w[k->n].id, sizeof(k->w[k->n].id), "%s", id);
	k->n++;
	return 0;
}

static void
watch_file(struct kwatch *k, const struct cg *g, const char *file, const char *id)
{
	char path[PATH_MAX];
	int rc;

	if (cg_file_path(g, file, path, sizeof(path)) < 0)
		return;
	if ((rc = kwatch_add(k, path, id)) < 0 && rc != -ENOENT)
		log_debug("%s: no inotify watch: %s", path, strerror(-rc));
}

/* Watches the container's v2 event files, where it has them. */
void
kwatch_dir(struct kwatch *k, const struct cg *g, const char *id)
{
	if (k == NULL || g == NULL || !g->v2)
		return;
	if (g->fd[CF_PIDS_EVENTS] != -1)
		watch_file(k, g, "pids.events", id);
	if (g->fd[CF_MEM_CUR] != -1)
		watch_file(k, g, "memory.events", id);
	watch_file(k, g, "cgroup.events", id);
}

size_t
kwatch_count(const struct kwatch *k)
{
	return k ? k->n : 0;
}
