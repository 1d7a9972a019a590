/*
 * Events: the one place a spike, an action or a finding is told.  The
 * message line goes to the log, unless the log goes to the journal, where
 * the journal's sink tells the event as an entry instead; then every
 * subscribed sink gets the same struct.  Sinks must not block: they queue
 * and return.
 */
#include <inttypes.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "clock.h"
#include "events.h"
#include "jtext.h"
#include "log.h"
#include "xmalloc.h"

#define MAX_SINKS 8

static struct {
	gevent_sink fn;
	void *arg;
} sinks[MAX_SINKS];
static size_t nsinks;

static const char *const kind_names[GEV_COUNT] = {
	[GEV_SPIKE] = "spike",
	[GEV_FREEZE] = "freeze",
	[GEV_KILL] = "kill",
	[GEV_THAW] = "thaw",
	[GEV_LIMIT] = "limit",
	[GEV_RELOAD] = "reload",
	[GEV_POSTURE] = "posture",
};

/* Generated once (systemd-id128 new); never change one: catalogs key on them. */
static const char *const message_ids[GEV_COUNT] = {
	[GEV_SPIKE] = "d9008f0f4718400c96e86efa21185b44",
	[GEV_FREEZE] = "f06fde3f09084641abb5092d40da1c9d",
	[GEV_KILL] = "c7b2a0003dea4c93adfab0109279ec5d",
	[GEV_THAW] = "8c167dd03ddc4050b4e4fe399a7f1e19",
	[GEV_LIMIT] = "307fa499c210432683a0be49f34e6d0d",
	[GEV_RELOAD] = "885ead77d28b42b2ba37560e7ac4ba9e",
	[GEV_POSTURE] = "78310b690a66466b97a4ed2b5d46be38",
};

void
events_subscribe(gevent_sink fn, void *arg)
{
	if (nsinks == MAX_SINKS)
		fatalx("events: too many sinks");
	sinks[nsinks].fn = fn;
	sinks[nsinks].arg = arg;
	nsinks++;
}

void
events_unsubscribe(gevent_sink fn, void *arg)
{
	for (size_t i = 0; i < nsinks; i++)
		if (sinks[i].fn == fn && sinks[i].arg == arg) {
			memmove(&sinks[i], &sinks[i + 1], (nsinks - i - 1) * sizeof(sinks[0]));
			nsinks--;
			return;
		}
}

const char *
events_kind_name(enum gev_kind k)
{
	return k < GEV_COUNT ? kind_names[k] : "unknown";
}

const char *
events_message_id(enum gev_kind k)
{
	return k < GEV_COUNT ? message_ids[k] : NULL;
}

int
events_priority(const struct gevent *e)
{
	if (e->kind == GEV_SPIKE || e->kind == GEV_FREEZE || e->kind == GEV_KILL ||
	    (e->kind == GEV_POSTURE && e->severity && strcmp(e->severity, "high") == 0))
		return LOG_WARNING;
	return LOG_INFO;
}

const char *
events_describe(const struct gevent *e, char *buf, size_t len)
{
	char who[96] = "the host";

	if (e->id && e->name)
		snprintf(who, sizeof(who), "container %s (%.12s)", e->name, e->id);
	else if (e->id)
		snprintf(who, sizeof(who), "container %.12s", e->id);
	snprintf(buf, len, "%s: %s%s%s%s%s%s", who, events_kind_name(e->kind),
	    e->action ? ", action " : "", e->action ? e->action : "",
	    e->dry_run ? " [monitor mode]" : "", e->reason ? ": " : "",
	    e->reason ? e->reason : "");
	return buf;
}

void
events_log(const struct gevent *e)
{
	if (events_priority(e) == LOG_WARNING)
		log_warnx("%s", e->message);
	else
		log_info("%s", e->message);
}

void
events_emit(struct gevent *e)
{
	char line[512];
	int made = 0;

	if (e->time_ms == 0)
		e->time_ms = clock_wall_ms();
	if (e->message == NULL) {
		e->message = events_describe(e, line, sizeof(line));
		made = 1;
	}
	/* Under the journal its sink writes one entry, with the facts as fields. */
	if (!log_journal())
		events_log(e);
	for (size_t i = 0; i < nsinks; i++)
		sinks[i].fn(e, sinks[i].arg);
	if (made)
		e->message = NULL;
}

static void
add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_text(v));
}

static void
add_count(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, v == UINT64_MAX ? NULL : json_object_new_uint64(v));
}

struct json_object *
events_json(const struct gevent *e)
{
	struct json_object *o = json_object_new_object();

	add_str(o, "kind", events_kind_name(e->kind));
	json_object_object_add(o, "time_ms", json_object_new_uint64(e->time_ms));
	add_str(o, "id", e->id);
	add_str(o, "name", e->name);
	add_str(o, "image", e->image);
	if (e->id != NULL) {
		add_str(o, "runtime", e->runtime);
		add_str(o, "namespace", e->namespace);
		add_str(o, "pod", e->pod);
	}
	add_str(o, "rule", e->rule);
	add_str(o, "cgroup", e->cgroup);
	if (e->id != NULL) {
		add_count(o, "pids_current", e->pids_current);
		add_count(o, "pids_max", e->pids_max);
		add_count(o, "fork_failures", e->fork_failures);
	}
	add_str(o, "action", e->action);
	json_object_object_add(o, "dry_run", json_object_new_boolean(e->dry_run));
	json_object_object_add(o, "looping", json_object_new_boolean(e->looping));
	add_str(o, "reason", e->reason);
	add_str(o, "history", e->history);
	add_str(o, "top", e->top);
	add_str(o, "seen_by", e->seen_by);
	if (e->kind == GEV_POSTURE) {
		add_str(o, "check", e->check);
		add_str(o, "severity", e->severity);
	}
	add_str(o, "message", e->message);
	return o;
}
