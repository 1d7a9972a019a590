/* What the operator sees: status as JSON and the --oneshot lines. */
#ifndef CGW_REPORT_H
#define CGW_REPORT_H
#include <stdio.h>

#include "container.h"
#include "events.h"

struct json_object;

const char *report_state(const struct container *);
/* The limit in force now (LIMIT_MAX: unlimited); -1 when no hierarchy has it. */
int report_limit(const struct container *, enum knob, uint64_t *);
struct json_object *report_container_json(const struct container *);
struct json_object *report_status_json(const struct ctable *);
void report_event(struct gevent *, enum gev_kind, const struct container *,
    char *cgpath, size_t cglen);
void report_oneshot(const struct ctable *, FILE *);

#endif
