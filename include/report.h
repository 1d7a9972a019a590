/* What the operator sees: status as JSON and the --oneshot lines. */
#ifndef CGW_REPORT_H
#define CGW_REPORT_H
#include <stdio.h>

#include "container.h"

struct json_object;

const char *report_state(const struct container *);
struct json_object *report_status_json(const struct ctable *);
void report_oneshot(const struct ctable *, FILE *);

#endif
