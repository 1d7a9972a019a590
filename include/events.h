/*
 * What the daemon tells people: one event per spike, action, thaw,
 * lowered limit, reload or posture finding.  Emitted once; every sink
 * (the log line, the journal entry, Alertmanager, `cgwardenctl events`,
 * the metrics counters) gets the same facts.
 */
#ifndef CGW_EVENTS_H
#define CGW_EVENTS_H
#include <stddef.h>
#include <stdint.h>

enum gev_kind {
	GEV_SPIKE,   /* a detector fired */
	GEV_FREEZE,  /* the container was frozen */
	GEV_KILL,    /* its processes were killed */
	GEV_THAW,    /* released (cgwardenctl thaw, docker unpause) */
	GEV_LIMIT,   /* a limit was lowered to its ceiling */
	GEV_RELOAD,  /* the configuration was reloaded */
	GEV_POSTURE, /* a security finding on a container or the host */
	GEV_COUNT
};

struct gevent {
	enum gev_kind kind;
	uint64_t time_ms;          /* wall clock, ms since the epoch */
	const char *id;            /* 64 hex, or NULL for the host */
	const char *name;          /* as docker ps shows it, or NULL */
	const char *image;         /* or NULL */
	const char *runtime;       /* docker, podman, containerd, crio; NULL for the host */
	const char *namespace;     /* Kubernetes: the pod's namespace, or NULL */
	const char *pod;           /* Kubernetes: the pod's name, or NULL */
	const char *rule;          /* the matching rule, or NULL */
	const char *cgroup;        /* the container's cgroup path, or NULL */
	uint64_t pids_current;     /* UINT64_MAX: unknown */
	uint64_t pids_max;         /* UINT64_MAX: unlimited */
	uint64_t fork_failures;    /* the pids.events max counter */
	const char *action;        /* freeze, kill, alert, none, thaw, lower... */
	int dry_run;               /* decided, not done (monitor mode) */
	int looping;               /* killed before, restarted, spiking again */
	const char *reason;        /* why, one line: "42 forks refused in 12 ms" */
	const char *history;       /* pids.current/pids.max samples, oldest first */
	const char *top;           /* top process names with counts: "sh 97, sleep 1" */
	const char *seen_by;       /* spike: what made the guard look (the interval pass, an event...) */
	const char *check;         /* posture: the check id */
	const char *severity;      /* posture: high, medium, low, info */
	const char *message;       /* the whole fact as one readable line */
};

typedef void (*gevent_sink)(const struct gevent *, void *arg);

void events_subscribe(gevent_sink, void *arg);
void events_unsubscribe(gevent_sink, void *arg);
/*
 * Fills time_ms when 0 (and message when NULL), tells it once, and hands
 * it to every sink.  Told as the message line on stderr, or, when logging
 * goes to the journal, by the journal's sink (journal_init) as a
 * structured entry.
 */
void events_emit(struct gevent *);
/* The message line in the log, at the event's priority; message must be set. */
void events_log(const struct gevent *);
/* syslog priority: LOG_WARNING for spikes, actions and high findings, else LOG_INFO. */
int events_priority(const struct gevent *);
/* A readable line from the fields, for an event that brings no message. */
const char *events_describe(const struct gevent *, char *buf, size_t len);
const char *events_kind_name(enum gev_kind);
/* The journal MESSAGE_ID of a kind: 32 hex digits, stable forever. */
const char *events_message_id(enum gev_kind);
/* The event as one JSON object (json-c), for streams and alerts. */
struct json_object *events_json(const struct gevent *);

#endif
