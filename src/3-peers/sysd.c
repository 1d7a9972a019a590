/*
 * systemd-owned scopes.  With the systemd cgroup driver a container is the
 * transient unit docker-<id>.scope, and systemd rewrites its cgroup files
 * from the unit's properties (at daemon-reload, for instance), silently
 * undoing a direct write.  So when systemd runs and the container is a
 * scope, ceilings go through SetUnitProperties (runtime only), like
 * `systemctl set-property --runtime`; otherwise, and when the call fails,
 * through cgroupfs.  sd-bus runs on the libevent loop: nothing blocks.
 */
#include <errno.h>
#include <event2/event.h>
#include <fnmatch.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "sysd.h"
#include "xmalloc.h"

struct sysd {
	sd_bus *bus;
	struct event *io;
	struct event *timer;
};

struct call {
	sysd_done_cb cb;
	void *arg;
};

static void arm(struct sysd *);

static void
process(evutil_socket_t fd, short what, void *arg)
{
	struct sysd *s = arg;

	(void)fd, (void)what;
	while (sd_bus_process(s->bus, NULL) > 0)
		;
	arm(s);
}

/* Re-arms the timer sd-bus asks for (method call timeouts). */
static void
arm(struct sysd *s)
{
	uint64_t usec;
	struct timeval tv;

	if (sd_bus_get_timeout(s->bus, &usec) < 0 || usec == UINT64_MAX) {
		evtimer_del(s->timer);
		return;
	}
	/* usec is absolute CLOCK_MONOTONIC: a short poll is close enough. */
	tv.tv_sec = 0;
	tv.tv_usec = 50000;
	evtimer_add(s->timer, &tv);
}

/* Connects to the system bus when systemd is the init system; NULL otherwise. */
struct sysd *
sysd_new(struct event_base *base)
{
	struct sysd *s;
	sd_bus *bus = NULL;
	int rc;

	if (getenv("CGWARDEN_NO_SYSTEMD") != NULL || sd_booted() <= 0)
		return NULL;
	if ((rc = sd_bus_open_system(&bus)) < 0) {
		log_warnx("systemd runs but its bus does not answer (%s): ceilings of "
		    "systemd scopes go to cgroupfs", strerror(-rc));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->bus = bus;
	s->io = event_new(base, sd_bus_get_fd(bus), EV_READ | EV_PERSIST, process, s);
	s->timer = evtimer_new(base, process, s);
	event_add(s->io, NULL);
	log_info("systemd found: ceilings of its scopes go through SetUnitProperties");
	return s;
}

void
sysd_free(struct sysd *s)
{
	if (s == NULL)
		return;
	event_free(s->io);
	event_free(s->timer);
	sd_bus_flush_close_unref(s->bus);
	free(s);
}

/* The unit that owns the cgroup, when it is a scope: 0, or -1. */
int
sysd_unit_of(const struct cg *g, char *unit, size_t len)
{
	const char *base = strrchr(g->rel, '/');

	base = base ? base + 1 : g->rel;
	if (fnmatch("*.scope", base, 0) != 0)
		return -1;
	return snprintf(unit, len, "%s", base) >= (int)len ? -1 : 0;
}

const char *
sysd_property(enum knob k)
{
	switch (k) {
	case KNOB_PIDS: return "TasksMax";
	case KNOB_MEMORY: return "MemoryMax";
	case KNOB_CPU: return "CPUQuotaPerSecUSec";
	case KNOB_COUNT: break;
	}
	return NULL;
}

static int
reply(sd_bus_message *m, void *arg, sd_bus_error *ret)
{
	struct call *c = arg;
	const sd_bus_error *e = sd_bus_message_get_error(m);

	(void)ret;
	if (e != NULL)
		c->cb(-sd_bus_error_get_errno(e), e->message ? e->message : e->name, c->arg);
	else
		c->cb(0, NULL, c->arg);
	free(c);
	return 1;
}

/*
 * Sets one limit of a unit for this boot (runtime), asynchronously;
 * value LIMIT_MAX lifts it.  cpu is in thousandths of a core.
 */
int
sysd_set_limit(struct sysd *s, const char *unit, enum knob k, uint64_t value,
    sysd_done_cb cb, void *arg)
{
	sd_bus_message *m = NULL;
	struct call *c;
	uint64_t v = value;
	int rc;

	if (k == KNOB_CPU && value != LIMIT_MAX)
		v = value * 1000; /* µs of CPU per second */
	if ((rc = sd_bus_message_new_method_call(s->bus, &m, "org.freedesktop.systemd1",
	    "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
	    "SetUnitProperties")) < 0 ||
	    (rc = sd_bus_message_append(m, "sb", unit, 1)) < 0 ||
	    (rc = sd_bus_message_append(m, "a(sv)", 1, sysd_property(k), "t", v)) < 0) {
		sd_bus_message_unref(m);
		return rc;
	}
	c = xcalloc(1, sizeof(*c));
	c->cb = cb;
	c->arg = arg;
	rc = sd_bus_call_async(s->bus, NULL, m, reply, c, 5 * 1000000);
	sd_bus_message_unref(m);
	if (rc < 0) {
		free(c);
		return rc;
	}
	arm(s);
	return 0;
}
