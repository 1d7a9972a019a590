/*
 * Alerts to a Prometheus Alertmanager: each spike, freeze, kill and high
 * posture finding is POSTed to <alert_webhook>/api/v2/alerts, re-sent
 * while it holds, and resolved when the container is thawed or gone.
 * Delivery never blocks the loop: a bounded queue, one request in flight,
 * capped exponential back-off while Alertmanager is away.
 */
#ifndef CGW_ALERTMGR_H
#define CGW_ALERTMGR_H
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct httpc;
struct gevent;
struct alertmgr;

/*
 * The tests shrink the queue and the re-send period through the
 * environment (CGWARDEN_ALERT_QUEUE, CGWARDEN_ALERT_RESEND_MS).
 */
#define ALERTMGR_QUEUE 256          /* POSTs waiting; more are dropped, counted */
#define ALERTMGR_RESEND_MS 60000    /* firing alerts are re-sent this often */
#define ALERTMGR_BACKOFF_MIN_MS 500
#define ALERTMGR_BACKOFF_MAX_MS 30000

/* Delivery counters, for `cgwardenctl stats` and the metrics. */
struct alertmgr_counters {
	uint64_t queued;  /* POSTs waiting, the one in flight included */
	uint64_t sent;    /* accepted by Alertmanager */
	uint64_t failed;  /* attempts that failed (each retry counts) */
	uint64_t dropped; /* not queued: the queue was full */
	uint64_t firing;  /* alerts held firing, re-sent until resolved */
};

/* The alert of an event (labels, annotations, startsAt), or NULL: not alerted. */
struct json_object *alertmgr_alert(const struct gevent *, const char *host);

/* Subscribes to the events; alerts are off until alertmgr_set_target(). */
struct alertmgr *alertmgr_new(struct event_base *, struct httpc *);
void alertmgr_free(struct alertmgr *);
/* Points at another Alertmanager ("" turns alerts off): 0, or -1 with err. */
int alertmgr_set_target(struct alertmgr *, const char *base_url, char *err, size_t errlen);
/* The container went away: its firing alerts are resolved. */
void alertmgr_container_gone(struct alertmgr *, const char *id);
void alertmgr_counters(const struct alertmgr *, struct alertmgr_counters *);

#endif
