/* Kernel notifications: cgroup v2 files that raise inotify events. */
#ifndef CGW_KWATCH_H
#define CGW_KWATCH_H

#include "container.h"

struct event_base;
struct kwatch;

/* The file of container id changed. */
typedef void (*kwatch_cb)(const char *id, void *arg);

struct kwatch *kwatch_new(struct event_base *, kwatch_cb, void *arg);
void kwatch_free(struct kwatch *);
int kwatch_add(struct kwatch *, const char *path, const char *id);
void kwatch_container(struct kwatch *, const struct container *);
size_t kwatch_count(const struct kwatch *);

#endif
