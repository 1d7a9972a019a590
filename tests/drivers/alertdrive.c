/*
 * alertdrive: the daemon's Alertmanager sink in a libevent loop of its
 * own, driven by commands on stdin, so that the tests can hold it
 * against a real Alertmanager before anything in the daemon raises
 * alerting events.  Events go through events_emit(), as in cgwardend.
 *
 *   target URL              alert_webhook (- turns alerts off)
 *   emit KIND ID NAME ACTION  KIND spike|freeze|kill|thaw|posture; ID or NAME -
 *   gone ID                 the container went away
 *   flood N                 N freeze events of N containers
 *   stats                   prints "stats" and the counters as JSON
 *   idle                    prints "idle" once nothing waits for delivery
 *   quit
 *
 * CGWARDEN_ALERT_RESEND_MS and CGWARDEN_ALERT_QUEUE tune it as in cgwardend.
 */
#include <event2/event.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertmgr.h"
#include "events.h"
#include "httpc.h"
#include "log.h"

static struct event_base *base;
static struct alertmgr *am;
static struct event *idle_ev;

static void
emit(const char *kind, const char *id, const char *name, const char *action)
{
	struct gevent e = { 0 };
	char msg[256];

	for (int k = 0; k < GEV_COUNT; k++)
		if (strcmp(kind, events_kind_name((enum gev_kind)k)) == 0)
			e.kind = (enum gev_kind)k;
	e.id = strcmp(id, "-") ? id : NULL;
	e.name = strcmp(name, "-") ? name : NULL;
	e.action = strcmp(action, "-") ? action : NULL;
	e.image = "busybox:1.36";
	e.rule = "defaults";
	e.cgroup = "/sys/fs/cgroup/docker/test";
	e.pids_current = 100;
	e.pids_max = 100;
	e.fork_failures = 37;
	e.reason = "37 forks refused in 1 s (spike_fork_failures 20)";
	e.history = "3/100 5/100 100/100";
	e.top = "sh 97, sleep 3";
	if (e.kind == GEV_POSTURE) {
		e.check = "privileged";
		e.severity = "high";
	}
	snprintf(msg, sizeof(msg), "container %s: %s (%s)", e.name ? e.name : id, kind,
	    e.reason);
	e.message = msg;
	events_emit(&e);
}

static void
print_stats(void)
{
	struct alertmgr_counters c;

	alertmgr_counters(am, &c);
	printf("stats {\"queued\":%" PRIu64 ",\"sent\":%" PRIu64 ",\"failed\":%" PRIu64
	    ",\"dropped\":%" PRIu64 ",\"firing\":%" PRIu64 "}\n", c.queued, c.sent, c.failed,
	    c.dropped, c.firing);
}

static void
idle_cb(evutil_socket_t fd, short what, void *arg)
{
	struct alertmgr_counters c;
	struct timeval tv = { 0, 20000 };

	(void)fd, (void)what, (void)arg;
	alertmgr_counters(am, &c);
	if (c.queued == 0)
		printf("idle\n");
	else
		evtimer_add(idle_ev, &tv);
}

static void
command(char *line)
{
	char a[5][128] = { "", "", "", "", "" };
	char err[256];
	struct timeval now = { 0, 0 };
	int n = sscanf(line, "%127s %127s %127s %127s %127s", a[0], a[1], a[2], a[3], a[4]);

	if (n < 1)
		return;
	if (strcmp(a[0], "target") == 0) {
		if (alertmgr_set_target(am, strcmp(a[1], "-") ? a[1] : "", err, sizeof(err)) < 0)
			printf("error %s\n", err);
	} else if (strcmp(a[0], "emit") == 0 && n == 5)
		emit(a[1], a[2], a[3], a[4]);
	else if (strcmp(a[0], "gone") == 0 && n == 2)
		alertmgr_container_gone(am, a[1]);
	else if (strcmp(a[0], "flood") == 0 && n == 2) {
		for (int i = 0; i < atoi(a[1]); i++) {
			char id[65];

			snprintf(id, sizeof(id), "%064x", i + 1);
			emit("freeze", id, "-", "freeze");
		}
	} else if (strcmp(a[0], "stats") == 0)
		print_stats();
	else if (strcmp(a[0], "idle") == 0)
		evtimer_add(idle_ev, &now);
	else if (strcmp(a[0], "quit") == 0)
		event_base_loopexit(base, NULL);
	else
		printf("error unknown command: %s\n", line);
}

static void
stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	static char buf[4096];
	static size_t len;
	ssize_t n;
	char *nl;

	(void)what, (void)arg;
	if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0) {
		event_base_loopexit(base, NULL);
		return;
	}
	len += (size_t)n;
	buf[len] = '\0';
	while ((nl = strchr(buf, '\n')) != NULL) {
		*nl = '\0';
		command(buf);
		len -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, len + 1);
	}
}

int
main(void)
{
	struct httpc *h;
	struct event *in;

	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init(1, 0);
	base = event_base_new();
	h = httpc_new(base);
	am = alertmgr_new(base, h);
	idle_ev = evtimer_new(base, idle_cb, NULL);
	in = event_new(base, 0, EV_READ | EV_PERSIST, stdin_cb, NULL);
	event_add(in, NULL);
	event_base_dispatch(base);
	event_free(in);
	event_free(idle_ev);
	alertmgr_free(am);
	httpc_free(h);
	event_base_free(base);
	return 0;
}
