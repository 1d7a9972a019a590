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

/*
 * Remembers where the live state is; the counters are counters.c's.
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
/* *podman, read at every scrape like *docker: cgwarden_podman_up while it is set. */
void metrics_set_podman(struct docker *const *podman);
void metrics_free(void);

/* The whole exposition, appended to out (tests call it directly). */
void metrics_render(struct evbuffer *out);
/* A label value escaped for the text format, as snprintf: the length it needs. */
size_t metrics_escape_label(const char *, char *buf, size_t len);

#endif
