/* Kernel notifications: cgroup v2 files that raise inotify events. */
#ifndef CGW_KWATCH_H
#define CGW_KWATCH_H

#include "cgfile.h"

struct event_base;
struct kwatch;

/* The file of container id changed. */
typedef void (*kwatch_cb)(const char *id, void *arg);

struct kwatch *kwatch_new(struct event_base *, kwatch_cb, void *arg);
void kwatch_free(struct kwatch *);
/* Watches the notifying files of a v2 directory (nothing for a v1 one). */
void kwatch_dir(struct kwatch *, const struct cg *, const char *id);
size_t kwatch_count(const struct kwatch *);

#endif
