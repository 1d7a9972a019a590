/* Discovery: container cgroups matched by the config's patterns, kept current by inotify. */
#ifndef CGW_DISCOVER_H
#define CGW_DISCOVER_H

#include "cgroup.h"
#include "config.h"
#include "container.h"

struct discover;

/* Called for a container directory newly found in one hierarchy. */
typedef void (*discover_found_cb)(struct container *, int hidx, void *arg);
/* Called before a container that is in no hierarchy any more is removed. */
typedef void (*discover_gone_cb)(struct container *, void *arg);

struct discover *discover_new(const struct config *, const struct hierarchy *,
    struct ctable *, int use_inotify, discover_found_cb, discover_gone_cb, void *arg);
int discover_fd(const struct discover *);
void discover_scan(struct discover *);
void discover_dispatch(struct discover *);
size_t discover_watches(const struct discover *);
void discover_free(struct discover *);

#endif
