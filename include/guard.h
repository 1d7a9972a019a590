/* The fork-bomb guard: detectors on every sample, and the actions they call for. */
#ifndef CGW_GUARD_H
#define CGW_GUARD_H
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "container.h"

struct event_base;
struct docker;
struct guard;

/* A thaw finished: 0, or -1 with the reason. */
typedef void (*guard_done_cb)(int rc, const char *err, void *arg);

struct guard *guard_new(struct event_base *, struct ctable *, const struct config *,
    int dry_run);
void guard_free(struct guard *);
void guard_set_config(struct guard *, const struct config *);
void guard_set_docker(struct guard *, struct docker *);
void guard_found(struct guard *, struct container *, uint64_t now);
void guard_started(struct guard *, struct container *, uint64_t now);
void guard_forget(struct guard *, struct container *);
void guard_check(struct guard *, struct container *, uint64_t now);
void guard_refresh(struct guard *, struct container *);
void guard_tick(struct guard *, uint64_t now);
void guard_contain(struct guard *, struct container *, enum action, const char *why);
int guard_kill(struct guard *, struct container *, const char *by, char *err, size_t errlen);
void guard_thaw(struct guard *, struct container *, const char *by, guard_done_cb, void *);
const char *guard_state_name(const struct container *);
size_t guard_hot_count(const struct guard *);

#endif
