/*
 * The one flow: discover -> sample -> judge -> act -> tell.  Every way a
 * container is looked at ends in flow_container(); the flow owns each
 * container's rule and the sampling timers.
 */
#ifndef CGW_FLOW_H
#define CGW_FLOW_H
#include <stdint.h>

#include "cgroup.h"
#include "config.h"
#include "container.h"
#include "kwatch.h"

struct event_base;
struct guard;
struct kwatch;
struct docker;
struct alertmgr;
struct json_object;
struct flow;

/* base NULL: no timers (--oneshot). */
struct flow *flow_new(struct event_base *, struct ctable *, const struct config *,
    int dry_run, enum layout, struct guard *, struct kwatch *, struct alertmgr *);
void flow_free(struct flow *);
void flow_set_config(struct flow *, const struct config *);
void flow_set_docker(struct flow *, struct docker *);
/* Podman's compatible API client: who Podman's containers are. */
void flow_set_podman(struct flow *, struct docker *);
void flow_set_kwatch(struct flow *, struct kwatch *);
/* (Re)arms the interval pass at the config's interval. */
void flow_start_tick(struct flow *);
/* Every container once, then the guard's tick. */
void flow_pass(struct flow *);
void flow_notify_status(const struct flow *);

/* Handlers for discovery, kwatch, forkwatch and the Docker client; arg is the flow. */
void flow_found(struct container *, int hidx, void *arg);
void flow_gone(struct container *, void *arg);
void flow_kernel_event(void *container, enum kw_kind, void *arg);
void flow_fork_burst(uint64_t cgroup, void *arg);
void flow_meta(struct container *, void *arg);
void flow_docker_event(struct container *, const char *action, void *arg);
void flow_inspect(struct container *, struct json_object *, void *arg);
void flow_inspect_podman(struct container *, struct json_object *, void *arg);

#endif
