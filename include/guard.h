/*
 * The fork-bomb guard: the detector on every sample, the one decision
 * (policy_decide) on every ask, and its effects carried out in order.
 * Its per-container state is its own; others see it through guard_view.
 */
#ifndef CGW_GUARD_H
#define CGW_GUARD_H
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "container.h"
#include "sample.h"

struct docker;
struct guard;

/* What others may know of the guard's view of a container. */
struct guard_view {
	int killed;        /* cgwarden killed its processes */
	int frozen_by_us;  /* cgwarden froze it */
	int docker_paused; /* Docker's own pause holds it */
	uint64_t spikes;   /* spikes seen */
};

/* A thaw finished: 0, or -1 with the reason. */
typedef void (*guard_done_cb)(int rc, const char *err, void *arg);

struct guard *guard_new(struct ctable *, const struct config *, int dry_run);
void guard_free(struct guard *);
void guard_set_config(struct guard *, const struct config *);
void guard_set_docker(struct guard *, struct docker *);
/* A container directory appeared: rebuild what the guard knew of it. */
void guard_found(struct guard *, struct container *, uint64_t now);
/* Docker started it again (a restart policy, docker start): a new life. */
void guard_started(struct guard *, struct container *, uint64_t now);
void guard_forget(struct guard *, struct container *);
/* Whether it is to be sampled: not while frozen or killed. */
int guard_samples(const struct container *);
/* An event says it may be forking hard (a fork burst): watched closely for a while. */
void guard_alarm(struct guard *, struct container *, uint64_t now, enum source why);
/* After every sample: fast or not, spike or not. */
void guard_check(struct guard *, struct container *, uint64_t now, enum source seen_by);
void guard_refresh(struct guard *, struct container *);
/*
 * Docker says its pause holds the container (a pause event, State.Paused):
 * where one freezer serves both (v2), the only way to know it after a restart.
 */
void guard_docker_paused(struct guard *, struct container *);
void guard_tick(struct guard *, uint64_t now);
/*
 * Contains a container for a reason other than a spike (a rule's
 * on_docker_socket): the same decision, budget and refusals as a spike's.
 */
void guard_contain(struct guard *, struct container *, enum action, const char *why);
/* Kills a container now (cgwardenctl kill): 0, or -1 with err. */
int guard_kill(struct guard *, struct container *, const char *by, char *err, size_t errlen);
/* Freezes a container now (cgwardenctl freeze), handed to Docker: 0, or -1 with err. */
int guard_freeze(struct guard *, struct container *, const char *by, char *err, size_t errlen);
void guard_thaw(struct guard *, struct container *, const char *by, guard_done_cb, void *);
void guard_view(const struct container *, struct guard_view *);

#endif
