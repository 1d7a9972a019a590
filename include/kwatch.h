/* Kernel notifications: cgroup v2 files that raise inotify events. */
#ifndef CGW_KWATCH_H
#define CGW_KWATCH_H

#include "cgfile.h"

struct event_base;
struct kwatch;

/* What changed: an event file (pids.events, cgroup.events...) or a limit file. */
enum kw_kind { KW_EVENTS, KW_LIMIT };

/* A file of container id changed. */
typedef void (*kwatch_cb)(const char *id, enum kw_kind, void *arg);

struct kwatch *kwatch_new(struct event_base *, kwatch_cb, void *arg);
void kwatch_free(struct kwatch *);
/* Watches the notifying files of a v2 directory (nothing for a v1 one). */
void kwatch_dir(struct kwatch *, const struct cg *, const char *id);
/*
 * Watches the limit files of a directory (any cgroup version: a write
 * raises IN_MODIFY): 0, or -errno when one could not be watched.
 */
int kwatch_limits(struct kwatch *, const struct cg *, const char *id);
/* Drops every watch of container id: its cgroup is gone. */
void kwatch_forget(struct kwatch *, const char *id);
/* Watches of one kind. */
size_t kwatch_count(const struct kwatch *, enum kw_kind);

#endif
