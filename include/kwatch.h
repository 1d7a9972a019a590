/* Kernel notifications: cgroup v2 files that raise inotify events. */
#ifndef CGW_KWATCH_H
#define CGW_KWATCH_H

#include "cgfile.h"

struct event_base;
struct kwatch;

/*
 * What changed: an event file (pids.events, cgroup.events...), a limit
 * file, or the cgroups below a container's (one made or removed).
 */
enum kw_kind { KW_EVENTS, KW_LIMIT, KW_NESTED };

/*
 * A watched file changed; tag is the one it was watched with (the
 * caller's, e.g. its container), valid until kwatch_forget(tag).
 */
typedef void (*kwatch_cb)(void *tag, enum kw_kind, void *arg);

struct kwatch *kwatch_new(struct event_base *, kwatch_cb, void *arg);
void kwatch_free(struct kwatch *);
/* Watches the notifying files of a v2 directory (nothing for a v1 one). */
void kwatch_dir(struct kwatch *, const struct cg *, void *tag);
/*
 * Watches the limit files of a directory (any cgroup version: a write
 * raises IN_MODIFY): 0, or -errno when one could not be watched.
 */
int kwatch_limits(struct kwatch *, const struct cg *, void *tag);
/*
 * Where the kernel counts a refused fork only in the cgroup that forked
 * (v1, and cgroup2 before Linux 6.10): watches the directory, and each
 * cgroup made below it, for cgroups made or removed there (KW_NESTED),
 * and on cgroup2 the pids.events of each one below (KW_EVENTS).  Called
 * again after a KW_NESTED event, it watches what is new.  Nothing where
 * the kernel counts a refusal up the tree.
 */
void kwatch_nested(struct kwatch *, const struct cg *, void *tag);
/* Drops the watches of tag: no callback names it from now on. */
void kwatch_forget(struct kwatch *, const void *tag);
/* Watches of one kind. */
size_t kwatch_count(const struct kwatch *, enum kw_kind);

#endif
