/*
 * The one flow through the daemon: discover -> sample -> judge -> act ->
 * tell.  Every way a container comes to be looked at (the interval pass,
 * the fast rate, a kernel event, its discovery, a Docker event) ends in
 * flow_container(), the one caller of the sampler: sample it, let the
 * guard judge it, hold its ceilings.  The flow also owns each container's
 * rule (the image's match in the config) and the two timers.
 */
#include <event2/event.h>
#include <json.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "alertmgr.h"
#include "bundle.h"
#include "clock.h"
#include "counters.h"
#include "docker.h"
#include "enforce.h"
#include "flow.h"
#include "freezer.h"
#include "guard.h"
#include "kwatch.h"
#include "log.h"
#include "posture.h"
#include "procs.h"
#include "sample.h"
#include "xmalloc.h"

/* CRI-O's API socket, where its packages put it. */
#define CRIO_SOCKET "/var/run/crio/crio.sock"

struct flow {
	struct ctable *t;
	const struct config *cf;
	int dry_run;
	struct guard *guard;
	struct kwatch *kwatch;
	struct docker *docker;
	struct docker *podman;
	struct alertmgr *alerts;
	enum layout layout;
	struct event *tick, *fast;
	unsigned gone, gone_before; /* containers gone since the last give-back, at the last pass */
	char (*sock_wait)[ID_LEN + 1]; /* mount a runtime's socket; contained once started */
	size_t nsock_wait;
};

/* Removals that, once they stop, give the memory they held back (a wave, not one). */
#define GIVE_BACK_AFTER 32

/*
 * Sample it, judge it, hold its ceilings: the one path of every
 * container.  src says what made it be looked at now; off the interval
 * pass (the fast rate, an event) the refused forks are read too.
 */
static void
flow_container(struct flow *f, struct container *c, uint64_t now, enum source src)
{
	if (src == SRC_PASS && c->fast)
		src = sample_fast_why(c);
	if (guard_samples(c))
		sample_container(c, now, src != SRC_PASS);
	/* A pod's sandbox holds its namespaces: watched, never judged nor limited. */
	if (c->sandbox)
		return;
	if (f->guard != NULL)
		guard_check(f->guard, c, now, src);
	enforce_container(c, config_monitoring(f->cf, f->dry_run), now);
}

/* Its image (and pod) chose a rule: the flow is the one writer of c->rule. */
static void
match_rule(struct flow *f, struct container *c)
{
	c->rule = config_match_pod(f->cf, c->image, c->namespace, c->pod);
}

/*
 * Who the container is, from its runtime: Docker's or Podman's API (an
 * answer comes later, through flow_meta), or the OCI bundle of a
 * Kubernetes container, read now: then its spec is returned, for
 * check_spec, else NULL.
 */
static struct json_object *
lookup(struct flow *f, struct container *c)
{
	struct json_object *spec = NULL;
	char lbl[128];
	int changed;

	switch (c->runtime) {
	case RT_DOCKER:
		docker_lookup(f->docker, c);
		return NULL;
	case RT_PODMAN:
		docker_lookup(f->podman, c);
		return NULL;
	case RT_CONTAINERD:
		changed = bundle_lookup(c, f->cf->containerd_state, &spec);
		break;
	case RT_CRIO:
		changed = bundle_lookup(c, f->cf->crio_storage, &spec);
		break;
	default:
		return NULL;
	}
	if (changed)
		log_info("container %s: %s, image %s%s", container_label(c, lbl, sizeof(lbl)),
		    container_runtime_name(c->runtime), c->image ? c->image : "unknown",
		    c->sandbox ? " (the pod's sandbox: never acted on)" : "");
	return spec;
}

/*
 * Whether the runtime has started the container: a task of it, none
 * still the OCI runtime's own (runc's init is "runc", then "runc:[0:PARENT]"
 * to "runc:[2:INIT]", which waits for the start; crun's is "crun").
 * Frozen before, the runtime's start would wait for it, and the kubelet
 * with it.
 */
static int
started(const struct container *c)
{
	struct cgdirs d;
	char top[512];

	container_dirs(c, &d);
	return procs_top(d.procs, top, sizeof(top)) > 0 && strstr(top, "runc") == NULL &&
	    strstr(top, "crun") == NULL;
}

static void
contain_socket(struct flow *f, struct container *c)
{
	if (c->rule != NULL && f->guard != NULL)
		guard_contain(f->guard, c, c->rule->on_docker_socket,
		    "it mounts its runtime's socket (on_docker_socket)");
}

/*
 * The OCI spec of a Kubernetes container, checked as Docker's inspect is
 * once its rule is known and the guard has it: the socket of its runtime
 * (containerd's in its state directory, CRI-O's) counts as Docker's.  Its
 * spec is there before the runtime starts it: the rule's on_docker_socket
 * waits for the start (flow_pass looks).
 */
static void
check_spec(struct flow *f, struct container *c, struct json_object *spec)
{
	char sock[4200];

	if (spec == NULL)
		return;
	if (c->runtime == RT_CONTAINERD)
		snprintf(sock, sizeof(sock), "%s/containerd.sock", f->cf->containerd_state);
	else
		snprintf(sock, sizeof(sock), "%s", CRIO_SOCKET);
	if (posture_spec(c, spec, sock)) {
		if (started(c))
			contain_socket(f, c);
		else {
			f->sock_wait = xreallocarray(f->sock_wait, f->nsock_wait + 1,
			    sizeof(*f->sock_wait));
			memcpy(f->sock_wait[f->nsock_wait++], c->id, ID_LEN + 1);
		}
	}
	json_object_put(spec);
}

/* The containers that mount their runtime's socket, once started; the gone forgotten. */
static void
sock_wait_pass(struct flow *f)
{
	size_t j = 0;

	for (size_t i = 0; i < f->nsock_wait; i++) {
		struct container *c = container_find(f->t, f->sock_wait[i]);

		if (c != NULL && started(c))
			contain_socket(f, c);
		else if (c != NULL)
			memmove(f->sock_wait[j++], f->sock_wait[i], ID_LEN + 1);
	}
	f->nsock_wait = j;
}

void
flow_notify_status(const struct flow *f)
{
	sd_notifyf(0, "STATUS=watching %zu containers (%s)%s", f->t->n,
	    cgroup_layout_name(f->layout), config_monitoring(f->cf, f->dry_run) ? ", monitor mode" : "");
}

/* One interval pass: every container through the one path, then the guard's tick. */
void
flow_pass(struct flow *f)
{
	struct timespec a, b;
	uint64_t now = clock_now_ms();
	size_t before = f->t->n;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	for (size_t i = 0; i < f->t->n; i++)
		flow_container(f, f->t->c[i], now, SRC_PASS);
	if (f->guard != NULL)
		guard_tick(f->guard, now);
	if (f->nsock_wait > 0)
		sock_wait_pass(f);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	counters_observe_pass((uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u +
	    (uint64_t)b.tv_nsec - (uint64_t)a.tv_nsec);
	if (before != f->t->n)
		flow_notify_status(f);
	/* A wave of removals is over: what its containers held goes back. */
	if (f->gone >= GIVE_BACK_AFTER && f->gone == f->gone_before) {
		xmem_give_back();
		f->gone = 0;
	}
	f->gone_before = f->gone;
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	flow_pass(arg);
}

/* The fast rate: the containers the sampler has in its fast set. */
static void
fast_cb(evutil_socket_t fd, short what, void *arg)
{
	struct flow *f = arg;
	uint64_t now = clock_now_ms();

	(void)fd, (void)what;
	/* By index: the path may add containers to the set, never remove one. */
	for (size_t i = 0; i < sample_fast_count(); i++) {
		struct container *c = sample_fast_at(i);

		flow_container(f, c, now, sample_fast_why(c));
	}
	sample_fast_expire(now);
	if (sample_fast_count() == 0)
		evtimer_del(f->fast);
}

/* The sampler's fast set is no longer empty. */
static void
fast_wanted(void *arg)
{
	struct flow *f = arg;
	struct timeval tv = { 0, SAMPLE_FAST_MS * 1000 };

	if (!evtimer_pending(f->fast, NULL))
		evtimer_add(f->fast, &tv);
}

struct flow *
flow_new(struct event_base *base, struct ctable *t, const struct config *cf, int dry_run,
    enum layout layout, struct guard *g, struct kwatch *k, struct alertmgr *alerts)
{
	struct flow *f = xcalloc(1, sizeof(*f));

	f->t = t;
	f->cf = cf;
	f->dry_run = dry_run;
	f->layout = layout;
	f->guard = g;
	f->kwatch = k;
	f->alerts = alerts;
	if (base != NULL) {
		f->tick = event_new(base, -1, EV_PERSIST, tick_cb, f);
		f->fast = event_new(base, -1, EV_PERSIST, fast_cb, f);
		sample_init(fast_wanted, f);
	}
	return f;
}

void
flow_free(struct flow *f)
{
	if (f == NULL)
		return;
	/* What the guard, enforce and the sampler keep of each container goes with the flow. */
	for (size_t i = 0; i < f->t->n; i++) {
		if (f->guard != NULL)
			guard_forget(f->guard, f->t->c[i]);
		enforce_forget(f->t->c[i]);
	}
	sample_free();
	if (f->tick)
		event_free(f->tick);
	if (f->fast)
		event_free(f->fast);
	free(f->sock_wait);
	free(f);
}

void
flow_start_tick(struct flow *f)
{
	enforce_set_period(f->cf->interval_ms / 2);
	struct timeval tv = { (time_t)(f->cf->interval_ms / 1000),
		(suseconds_t)(f->cf->interval_ms % 1000) * 1000 };

	evtimer_add(f->tick, &tv);
}

/* A new config: every container's rule is matched again and its limits decided again. */
void
flow_set_config(struct flow *f, const struct config *cf)
{
	f->cf = cf;
	guard_set_config(f->guard, cf);
	for (size_t i = 0; i < f->t->n; i++) {
		struct container *c = f->t->c[i];

		/* containerd_state or crio_storage may have changed. */
		struct json_object *spec = NULL;

		if (container_kubernetes(c) && c->meta != META_BUNDLE)
			spec = lookup(f, c);
		match_rule(f, c);
		check_spec(f, c, spec);
		enforce_invalidate(c);
	}
}

void
flow_set_kwatch(struct flow *f, struct kwatch *k)
{
	f->kwatch = k;
}

void
flow_set_podman(struct flow *f, struct docker *p)
{
	if (f != NULL)
		f->podman = p;
}

void
flow_set_docker(struct flow *f, struct docker *d)
{
	if (f == NULL)
		return;
	f->docker = d;
	if (f->guard != NULL)
		guard_set_docker(f->guard, d);
}

/*
 * Its limit files are watched where inotify can: then the pass never
 * reads them, and the safety re-read comes only every 30 to 60 s.
 */
static void
watch_limits(struct flow *f, struct container *c)
{
	int ok = f->kwatch != NULL;

	for (int h = 0; h < MAX_HIER && ok; h++)
		if (c->cg[h] != NULL && kwatch_limits(f->kwatch, c->cg[h], c) < 0)
			ok = 0;
	enforce_set_watched(c, ok);
}

/*
 * Whether hierarchy hidx, just found, is the first of the container's
 * that can freeze it (its directories are found one by one).
 */
static int
first_freezer(const struct container *c, int hidx)
{
	const struct cg *g = c->cg[hidx];
	struct cgdirs d;

	container_dirs(c, &d);
	if (g == NULL || (g != d.v2 && g != d.v1frz))
		return 0;
	return (d.v2 == NULL || d.v2 == g) && (d.v1frz == NULL || d.v1frz == g);
}

/* A container directory appeared: its ceilings go in now, not at the next tick. */
void
flow_found(struct container *c, int hidx, void *arg)
{
	struct flow *f = arg;
	struct json_object *spec = NULL;
	uint64_t now = clock_now_ms();
	char path[4096];

	log_debug("container %.12s: found %s", c->id, cg_path(c->cg[hidx], path, sizeof(path)));
	/* Known from a create event or Docker's disk: the first write is right. */
	if (c->meta == META_NONE)
		spec = lookup(f, c);
	match_rule(f, c);
	kwatch_dir(f->kwatch, c->cg[hidx], c);
	kwatch_nested(f->kwatch, c->cg[hidx], c);
	watch_limits(f, c);
	enforce_invalidate(c); /* a new directory: its limits are read now */
	if (f->guard != NULL)
		guard_found(f->guard, c, now);
	/* Its spec once it can be frozen: the rule may say to, for a socket mounted. */
	if (container_kubernetes(c) && first_freezer(c, hidx)) {
		if (spec == NULL)
			spec = lookup(f, c);
		check_spec(f, c, spec);
	} else
		json_object_put(spec);
	flow_container(f, c, now, SRC_FOUND);
}

void
flow_gone(struct container *c, void *arg)
{
	struct flow *f = arg;

	log_debug("container %.12s: gone", c->id);
	f->gone++;
	alertmgr_container_gone(f->alerts, c->id);
	posture_forget(c->id);
	if (f->guard != NULL)
		guard_forget(f->guard, c);
	enforce_forget(c);
	sample_forget(c);
	kwatch_forget(f->kwatch, c);
}

/*
 * The kernel says a file changed: pids.events or cgroup.events (v2), to
 * be judged now, not at the tick; or a limit file (pids.max... written
 * by docker update, the runtime or a person), to be held to its ceiling
 * now, not at the next safety re-read; or the container made or removed
 * a cgroup of its own, where the kernel counts a refused fork only in the
 * cgroup that forked: that cgroup's count is the container's from now on.
 */
void
flow_kernel_event(void *tag, enum kw_kind kind, void *arg)
{
	struct flow *f = arg;
	struct container *c = tag;

	if (kind == KW_LIMIT)
		enforce_invalidate(c);
	if (kind == KW_NESTED)
		for (int h = 0; h < MAX_HIER; h++)
			if (c->cg[h] != NULL) {
				cg_recheck_nested(c->cg[h]);
				kwatch_nested(f->kwatch, c->cg[h], c);
			}
	flow_container(f, c, clock_now_ms(), SRC_KERNEL);
}

/*
 * The kernel counted a burst of forks in a cgroup2 directory: if it is a
 * container's, or one that a container made below its own, the container
 * is judged now and then watched at the fast rate, so a bomb is caught at
 * its first refused forks however old the container.
 */
void
flow_fork_burst(uint64_t cgroup, void *arg)
{
	struct flow *f = arg;
	uint64_t now = clock_now_ms();

	struct container *c = NULL;

	for (size_t i = 0; i < f->t->n && c == NULL; i++)
		for (int h = 0; h < MAX_HIER && c == NULL; h++)
			if (f->t->c[i]->cg[h] != NULL && f->t->c[i]->cg[h]->v2 &&
			    f->t->c[i]->cg[h]->ino == cgroup)
				c = f->t->c[i];
	/* Else one the container made below it: only nested ones are walked. */
	for (size_t i = 0; i < f->t->n && c == NULL; i++)
		for (int h = 0; h < MAX_HIER && c == NULL; h++)
			if (f->t->c[i]->cg[h] != NULL && cg_holds_below(f->t->c[i]->cg[h], cgroup))
				c = f->t->c[i];
	if (c == NULL)
		return;
	if (f->guard != NULL)
		guard_alarm(f->guard, c, now, SRC_FORKS);
	flow_container(f, c, now, SRC_FORKS);
}

/* Docker said who the container is: its image may choose another rule. */
void
flow_meta(struct container *c, void *arg)
{
	struct flow *f = arg;
	const struct rule *old = c->rule;
	char lbl[128];

	match_rule(f, c);
	if (c->rule != old)
		log_info("container %s: image %s, rule %s", container_label(c, lbl, sizeof(lbl)),
		    c->image, c->rule->name);
	if (c->sandbox)
		return;
	enforce_invalidate(c);
	enforce_container(c, config_monitoring(f->cf, f->dry_run), clock_now_ms());
}

/*
 * start and update events: the limits may have just changed; pause and
 * unpause: the freezer did.
 */
void
flow_docker_event(struct container *c, const char *action, void *arg)
{
	struct flow *f = arg;

	if (c->sandbox)
		return;
	if (strcmp(action, "update") == 0 || strcmp(action, "start") == 0 ||
	    strcmp(action, "unpause") == 0) {
		enforce_invalidate(c);
		enforce_container(c, config_monitoring(f->cf, f->dry_run), clock_now_ms());
	}
	if (strcmp(action, "start") == 0)
		guard_started(f->guard, c, clock_now_ms());
	if (strcmp(action, "pause") == 0 || strcmp(action, "unpause") == 0)
		guard_refresh(f->guard, c);
	if (strcmp(action, "pause") == 0)
		guard_docker_paused(f->guard, c);
}

/* Docker described a container (it started): check its security posture. */
void
flow_inspect(struct container *c, struct json_object *inspect, void *arg)
{
	struct flow *f = arg;

	if (docker_inspect_paused(inspect))
		guard_docker_paused(f->guard, c);
	if (posture_inspected(c, inspect, f->cf->docker_socket) && c->rule != NULL)
		guard_contain(f->guard, c, c->rule->on_docker_socket,
		    "it mounts the Docker socket (on_docker_socket)");
}

/*
 * Podman described one of its containers (its compatible inspect has
 * Docker's shape): the same checks, Podman's own socket counting as the
 * runtime's socket mounted.
 */
void
flow_inspect_podman(struct container *c, struct json_object *inspect, void *arg)
{
	struct flow *f = arg;

	if (posture_inspected(c, inspect, f->cf->podman_socket) && c->rule != NULL)
		guard_contain(f->guard, c, c->rule->on_docker_socket,
		    "it mounts Podman's API socket (on_docker_socket)");
}
