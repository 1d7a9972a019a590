/*
 * Alertmanager delivery.  An alerting event becomes one alert (labels
 * alertname, container, image, host, action, severity, id); it is queued
 * as a POST of a one-element array, and remembered as firing by container
 * id so that a thaw or the container's end resolves it with the identical
 * labels.  Firing alerts are re-sent every minute with endsAt four
 * minutes ahead, as Prometheus does: should cgwardend die, they resolve
 * by themselves instead of firing forever.
 */
#include <event2/event.h>
#include <inttypes.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "alertmgr.h"
#include "config.h"
#include "events.h"
#include "httpc.h"
#include "jtext.h"
#include "log.h"
#include "url.h"
#include "xmalloc.h"

#define TIMEOUT_MS 5000
#define HOLD_RESENDS 4 /* endsAt of a firing alert: this many re-sends ahead */

struct firing {
	char id[65];              /* the container's, "" for the host */
	char *key;                /* its labels as JSON: identity in Alertmanager */
	struct json_object *alert; /* labels, annotations, startsAt */
	struct firing *next;
};

struct alertmgr {
	struct event_base *base;
	struct httpc *h;
	char *url;                /* <base>/api/v2/alerts; NULL: off */
	char host[256];
	char **q;                 /* request bodies, oldest first */
	size_t qcap, qhead, qlen;
	struct httpc_req *inflight;
	struct event *retry, *resend;
	uint64_t backoff_ms, resend_ms;
	uint64_t sent, failed, dropped;
	int down;                 /* the outage was logged */
	int full;                 /* the full queue was logged */
	struct firing *firing;
};

/* RFC 3339 in UTC with milliseconds, as Alertmanager writes it. */
static void
fmt_time(uint64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char s[32];

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03uZ", s, (unsigned)(ms % 1000));
}

static int
alerting(const struct gevent *e)
{
	switch (e->kind) {
	case GEV_SPIKE:
	case GEV_FREEZE:
	case GEV_KILL:
		return 1;
	case GEV_POSTURE:
		return e->severity != NULL && strcmp(e->severity, "high") == 0;
	default:
		return 0;
	}
}

static void
put(struct json_object *o, const char *k, const char *v)
{
	if (v != NULL && *v != '\0')
		json_object_object_add(o, k, json_text(v));
}

/* What the operator does about it, written into the alert. */
static void
runbook(const struct gevent *e, const char *who, char *buf, size_t len)
{
	char img[300] = "";

	if (e->image)
		snprintf(img, sizeof(img), " in the [image \"%s\"] section", e->image);
	if (e->kind == GEV_POSTURE)
		snprintf(buf, len, "`cgwardenctl audit --json` shows the finding and its fix.");
	else if (e->kind == GEV_KILL)
		snprintf(buf, len, "The processes of %s were killed%s. Check why with "
		    "`docker logs %s`; if Docker restarts it and it forks again it is killed "
		    "again. Tune spike_rate, spike_fork_failures, pids_max or action%s of "
		    "/etc/cgwarden/cgwarden.conf, then `cgwardenctl reload`.", who,
		    e->looping ? " again (restart loop)" : "", who, img);
	else
		snprintf(buf, len, "%s %s. Look: `cgwardenctl status`, `docker top %s`. "
		    "Release: `cgwardenctl thaw %s`. End it: `cgwardenctl kill %s`. A false "
		    "alarm: raise spike_rate, spike_fork_failures or pids_max%s of "
		    "/etc/cgwarden/cgwarden.conf, then `cgwardenctl reload`.", who,
		    e->dry_run ? "was not touched (monitor mode)" :
		    e->kind == GEV_FREEZE || (e->action && strcmp(e->action, "freeze") == 0) ?
		    "is frozen" : "was not touched (action alert)", who, who, who, img);
}

static struct json_object *
build_alert(const struct gevent *e, const char *host)
{
	struct json_object *a, *l, *an;
	char who[80], t[40], buf[1024], pids[64] = "", ff[64] = "";
	const char *sev;

	if (!alerting(e))
		return NULL;
	if (e->name != NULL)
		snprintf(who, sizeof(who), "%s", e->name);
	else if (e->id != NULL)
		snprintf(who, sizeof(who), "%.12s", e->id);
	else
		who[0] = '\0';
	if (e->kind == GEV_POSTURE)
		sev = e->severity;
	else if (e->kind != GEV_SPIKE || (e->action != NULL &&
	    (strncmp(e->action, "freeze", 6) == 0 || strncmp(e->action, "kill", 4) == 0)))
		sev = "critical"; /* "freeze-failed" too: a bomb runs unchecked */
	else
		sev = "warning";

	l = json_object_new_object();
	put(l, "alertname", e->kind == GEV_POSTURE ? "CgwardenPosture" : "CgwardenForkBomb");
	put(l, "container", who);
	put(l, "image", e->image);
	put(l, "host", host);
	put(l, "action", e->action ? e->action : events_kind_name(e->kind));
	put(l, "severity", sev);
	put(l, "id", e->id);
	put(l, "runtime", e->runtime);
	put(l, "namespace", e->namespace);
	put(l, "pod", e->pod);
	if (e->kind == GEV_POSTURE)
		put(l, "check", e->check);

	an = json_object_new_object();
	put(an, "summary", e->message);
	if (e->pids_current != UINT64_MAX && e->id != NULL) {
		if (e->pids_max == UINT64_MAX)
			snprintf(pids, sizeof(pids), "pids %" PRIu64 "/max", e->pids_current);
		else
			snprintf(pids, sizeof(pids), "pids %" PRIu64 "/%" PRIu64, e->pids_current,
			    e->pids_max);
	}
	if (e->fork_failures != UINT64_MAX && e->id != NULL)
		snprintf(ff, sizeof(ff), "%" PRIu64 " forks refused", e->fork_failures);
	snprintf(buf, sizeof(buf), "%s%s%s%s%s%s%s%s%s%s%s", e->reason ? e->reason : "",
	    *pids ? "\n" : "", pids, *ff ? ", " : "", ff,
	    e->history ? "\npids history: " : "", e->history ? e->history : "",
	    e->top ? "\ntop processes: " : "", e->top ? e->top : "",
	    e->dry_run ? "\nmonitor mode: decided, not done" : "",
	    e->looping ? "\nrestart loop: killed before and spiking again" : "");
	put(an, "description", buf[0] == '\n' ? buf + 1 : buf);
	put(an, "reason", e->reason);
	put(an, "pids_history", e->history);
	put(an, "top_processes", e->top);
	put(an, "rule", e->rule);
	put(an, "cgroup", e->cgroup);
	if (e->dry_run)
		put(an, "dry_run", "true");
	runbook(e, *who ? who : "the host", buf, sizeof(buf));
	put(an, "runbook", buf);

	a = json_object_new_object();
	json_object_object_add(a, "labels", l);
	json_object_object_add(a, "annotations", an);
	fmt_time(e->time_ms ? e->time_ms : clock_wall_ms(), t, sizeof(t));
	json_object_object_add(a, "startsAt", json_object_new_string(t));
	return a;
}

/*
 * The alert of an event, its text from outside escaped first (vis.h):
 * Alertmanager hands labels and annotations on to mail, chat and amtool
 * in a terminal, and the description's own line breaks must stay the
 * only ones.
 */
struct json_object *
alertmgr_alert(const struct gevent *e, const char *host)
{
	struct gevent v = *e;
	const char **text[] = { &v.name, &v.image, &v.rule, &v.cgroup, &v.reason,
		&v.history, &v.top, &v.message, &v.seen_by, &v.namespace, &v.pod };
	char *copy[sizeof(text) / sizeof(text[0])];
	struct json_object *a;
	size_t n = sizeof(text) / sizeof(text[0]);

	for (size_t i = 0; i < n; i++) {
		copy[i] = *text[i] != NULL ? xvis(*text[i]) : NULL;
		if (copy[i] != NULL)
			*text[i] = copy[i];
	}
	a = build_alert(&v, host);
	for (size_t i = 0; i < n; i++)
		free(copy[i]);
	return a;
}

static void send_next(struct alertmgr *);

static void
free_firing(struct firing *f)
{
	json_object_put(f->alert);
	free(f->key);
	free(f);
}

/* Queues one POST body (a JSON array); a full queue drops it, counted. */
static void
enqueue(struct alertmgr *am, struct json_object *arr)
{
	if (am->qlen == am->qcap) {
		am->dropped++;
		if (!am->full)
			log_warnx("alertmanager: queue full (%zu waiting): dropping alerts until "
			    "it drains", am->qcap);
		am->full = 1;
		json_object_put(arr);
		return;
	}
	am->q[(am->qhead + am->qlen) % am->qcap] = xstrdup(json_object_to_json_string_ext(
	    arr, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	am->qlen++;
	json_object_put(arr);
	send_next(am);
}

static void
pop(struct alertmgr *am)
{
	free(am->q[am->qhead]);
	am->q[am->qhead] = NULL;
	am->qhead = (am->qhead + 1) % am->qcap;
	am->qlen--;
	if (am->qlen == 0)
		am->full = 0;
}

/* A copy of a firing alert with its endsAt. */
static struct json_object *
with_end(const struct firing *f, uint64_t ends_ms)
{
	struct json_object *a = NULL;
	char t[40];

	json_object_deep_copy(f->alert, &a, NULL);
	fmt_time(ends_ms, t, sizeof(t));
	json_object_object_add(a, "endsAt", json_object_new_string(t));
	return a;
}

static void
done_cb(int status, const char *body, size_t len, const char *err, void *arg)
{
	struct alertmgr *am = arg;
	struct timeval tv;

	am->inflight = NULL;
	if (status >= 200 && status < 300) {
		am->sent++;
		if (am->down)
			log_info("alertmanager at %s: delivering again", am->url);
		am->down = 0;
		am->backoff_ms = 0;
		pop(am);
		send_next(am);
		return;
	}
	am->failed++;
	if (status >= 400 && status < 500) {
		/* Sending it again would be refused again. */
		log_warnx("alertmanager at %s refused an alert (HTTP %d): %.*s", am->url,
		    status, (int)(len > 200 ? 200 : len), body);
		pop(am);
		send_next(am);
		return;
	}
	am->backoff_ms = am->backoff_ms == 0 ? ALERTMGR_BACKOFF_MIN_MS : am->backoff_ms * 2;
	if (am->backoff_ms > ALERTMGR_BACKOFF_MAX_MS)
		am->backoff_ms = ALERTMGR_BACKOFF_MAX_MS;
	if (!am->down) {
		if (err != NULL)
			log_warnx("alertmanager at %s: %s; retrying, back-off up to %ds",
			    am->url, err, ALERTMGR_BACKOFF_MAX_MS / 1000);
		else
			log_warnx("alertmanager at %s: HTTP %d; retrying, back-off up to %ds",
			    am->url, status, ALERTMGR_BACKOFF_MAX_MS / 1000);
	}
	am->down = 1;
	tv.tv_sec = (time_t)(am->backoff_ms / 1000);
	tv.tv_usec = (suseconds_t)(am->backoff_ms % 1000) * 1000;
	evtimer_add(am->retry, &tv);
}

/* Starts the oldest POST unless one is in flight or a back-off runs. */
static void
send_next(struct alertmgr *am)
{
	struct httpc_opts o = { .method = "POST", .max_body = 64 << 10,
		.timeout_ms = TIMEOUT_MS };

	if (am->url == NULL || am->inflight != NULL || am->qlen == 0 ||
	    evtimer_pending(am->retry, NULL))
		return;
	o.body = am->q[am->qhead];
	am->inflight = httpc_request(am->h, am->url, &o, done_cb, am);
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	send_next(arg);
}

/* Every firing alert again, with endsAt moved ahead; skipped while a backlog waits. */
static void
resend(struct alertmgr *am)
{
	struct json_object *arr;
	uint64_t ends = clock_wall_ms() + HOLD_RESENDS * am->resend_ms;

	if (am->url == NULL || am->firing == NULL || am->qlen > 0)
		return;
	arr = json_object_new_array();
	for (struct firing *f = am->firing; f; f = f->next)
		json_object_array_add(arr, with_end(f, ends));
	enqueue(am, arr);
}

static void
resend_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	resend(arg);
}

/* Resolves every firing alert of a container ("" the host's): endsAt now. */
static void
resolve(struct alertmgr *am, const char *id)
{
	struct json_object *arr = NULL;
	struct firing **pp = &am->firing, *f;
	uint64_t now = clock_wall_ms();

	while ((f = *pp) != NULL) {
		if (strcmp(f->id, id) != 0) {
			pp = &f->next;
			continue;
		}
		if (arr == NULL)
			arr = json_object_new_array();
		json_object_array_add(arr, with_end(f, now));
		*pp = f->next;
		free_firing(f);
	}
	if (arr != NULL)
		enqueue(am, arr);
}

/* Remembers an alert as firing; the same labels again update it, keeping startsAt. */
static void
fire(struct alertmgr *am, const struct gevent *e, struct json_object *a)
{
	struct json_object *labels, *arr, *start;
	struct firing *f;
	const char *key;

	json_object_object_get_ex(a, "labels", &labels);
	key = json_object_to_json_string_ext(labels, JSON_C_TO_STRING_PLAIN);
	for (f = am->firing; f; f = f->next)
		if (strcmp(f->key, key) == 0)
			break;
	if (f == NULL) {
		f = xcalloc(1, sizeof(*f));
		snprintf(f->id, sizeof(f->id), "%s", e->id ? e->id : "");
		f->key = xstrdup(key);
		f->next = am->firing;
		am->firing = f;
	} else {
		if (json_object_object_get_ex(f->alert, "startsAt", &start))
			json_object_object_add(a, "startsAt", json_object_get(start));
		json_object_put(f->alert);
	}
	f->alert = a;
	arr = json_object_new_array();
	json_object_array_add(arr, with_end(f, clock_wall_ms() + HOLD_RESENDS * am->resend_ms));
	enqueue(am, arr);
}

static void
on_event(const struct gevent *e, void *arg)
{
	struct alertmgr *am = arg;
	struct json_object *a;

	if (am->url == NULL)
		return;
	if (e->kind == GEV_THAW && e->id != NULL)
		resolve(am, e->id);
	else if ((a = alertmgr_alert(e, am->host)) != NULL)
		fire(am, e, a);
}

/* A positive number from the environment, or dflt. */
static uint64_t
env_knob(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long long n;

	if (v == NULL || *v == '\0')
		return dflt;
	n = strtoull(v, &end, 10);
	return *end == '\0' && n > 0 ? (uint64_t)n : dflt;
}

struct alertmgr *
alertmgr_new(struct event_base *base, struct httpc *h)
{
	struct alertmgr *am = xcalloc(1, sizeof(*am));
	struct timeval tv;

	am->base = base;
	am->h = h;
	am->resend_ms = env_knob("CGWARDEN_ALERT_RESEND_MS", ALERTMGR_RESEND_MS);
	am->qcap = (size_t)env_knob("CGWARDEN_ALERT_QUEUE", ALERTMGR_QUEUE);
	if (am->qcap > 65536)
		am->qcap = 65536;
	am->q = xcalloc(am->qcap, sizeof(*am->q));
	if (gethostname(am->host, sizeof(am->host) - 1) < 0)
		snprintf(am->host, sizeof(am->host), "localhost");
	am->retry = evtimer_new(base, retry_cb, am);
	am->resend = event_new(base, -1, EV_PERSIST, resend_cb, am);
	tv.tv_sec = (time_t)(am->resend_ms / 1000);
	tv.tv_usec = (suseconds_t)(am->resend_ms % 1000) * 1000;
	evtimer_add(am->resend, &tv);
	events_subscribe(on_event, am);
	return am;
}

/* Forgets the queue and the firing alerts (alerts turned off, or the end). */
static void
clear(struct alertmgr *am)
{
	struct firing *f;

	if (am->inflight)
		httpc_cancel(am->h, am->inflight);
	am->inflight = NULL;
	evtimer_del(am->retry);
	while (am->qlen > 0)
		pop(am);
	while ((f = am->firing) != NULL) {
		am->firing = f->next;
		free_firing(f);
	}
}

void
alertmgr_free(struct alertmgr *am)
{
	if (am == NULL)
		return;
	events_unsubscribe(on_event, am);
	clear(am);
	event_free(am->retry);
	event_free(am->resend);
	free(am->q);
	free(am->url);
	free(am);
}

int
alertmgr_set_target(struct alertmgr *am, const char *base_url, char *err, size_t errlen)
{
	struct url u;
	char *url;

	if (*base_url == '\0') {
		if (am->url != NULL) {
			log_info("alerts to %s: off; %zu unsent discarded", am->url, am->qlen);
			clear(am);
		}
		free(am->url);
		am->url = NULL;
		return 0;
	}
	if (url_parse_base(base_url, CONFIG_ALERT_ENDPOINT, &u, err, errlen) < 0)
		return -1;
	url = xasprintf("http://%s:%d%.*s" CONFIG_ALERT_ENDPOINT, u.host, u.port,
	    (int)u.pathlen, u.path);
	if (am->url != NULL && strcmp(url, am->url) == 0) {
		free(url);
		return 0;
	}
	/* What waits goes to the new one; it learns the firing alerts at once. */
	if (am->inflight)
		httpc_cancel(am->h, am->inflight);
	am->inflight = NULL;
	evtimer_del(am->retry);
	am->backoff_ms = 0;
	am->down = 0;
	free(am->url);
	am->url = url;
	log_info("alerts go to %s", url);
	if (am->qlen == 0)
		resend(am);
	send_next(am);
	return 0;
}

void
alertmgr_container_gone(struct alertmgr *am, const char *id)
{
	if (am != NULL && am->url != NULL)
		resolve(am, id);
}

void
alertmgr_counters(const struct alertmgr *am, struct alertmgr_counters *c)
{
	memset(c, 0, sizeof(*c));
	if (am == NULL)
		return;
	c->queued = am->qlen;
	c->sent = am->sent;
	c->failed = am->failed;
	c->dropped = am->dropped;
	for (const struct firing *f = am->firing; f; f = f->next)
		c->firing++;
}
