/*
 * The Prometheus endpoint: GET /metrics on metrics_listen, rendered from
 * the live container table at every scrape, plus the few counters that
 * outlive a container (actions, errors, the sampling histogram).
 */
#ifndef CGW_METRICS_H
#define CGW_METRICS_H
#include <stddef.h>
#include <stdint.h>

#include "container.h"

struct event_base;
struct docker;
struct evbuffer;

/* Kinds of cgwarden_errors_total: every one is exported from the start. */
enum metrics_error {
	MERR_LIMIT_WRITE, /* the kernel or systemd refused a ceiling */
	MERR_DOCKER,      /* the Engine API failed, or answered something unusable */
	MERR_INOTIFY,     /* a watch could not be added, or the queue overflowed */
	MERR_RELOAD,      /* a reload was rejected */
	MERR_COUNT
};

/* A gauge another module owns (a queue depth): read at every scrape. */
typedef uint64_t (*metrics_gauge_fn)(void *arg);

/*
 * Starts counting (events, errors) and remembers where the live state is.
 * *docker is read at every scrape, so a Docker link replaced on reload is
 * seen; NULL means no Docker lookups.
 */
void metrics_init(struct event_base *, const struct ctable *,
    struct docker *const *docker);
/*
 * Serves GET /metrics on ADDRESS:PORT ("" stops serving).  Called again
 * with the same address it keeps the socket it has.  A failure is logged
 * and the previous listener, if any, keeps serving: 0 or -1.
 */
int metrics_listen(const char *addr);
void metrics_free(void);

/* The duration of one sampling pass, in ns. */
void metrics_observe_pass(uint64_t ns);
void metrics_count_error(enum metrics_error);
/* name must be a static string, help too; up to a few are kept. */
void metrics_register_gauge(const char *name, const char *help,
    metrics_gauge_fn, void *arg);

/* The whole exposition, appended to out (tests call it directly). */
void metrics_render(struct evbuffer *out);
/* A label value escaped for the text format, as snprintf: the length it needs. */
size_t metrics_escape_label(const char *, char *buf, size_t len);

#endif
