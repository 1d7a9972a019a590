/*
 * Events about a container, built in one place: the guard, enforce and
 * posture say only what is theirs (action, reason, evidence) and the
 * message line; who the container is and its counts come from here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "notice.h"
#include "sample.h"

/*
 * pids.max as the kernel has it now: the runtime may have written the
 * container's own just after the last pass.
 */
void
notice_init(struct notice *n, enum gev_kind kind, const struct container *c)
{
	const struct sample *s = container_last(c);
	struct gevent *e = &n->e;

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->id = c->id;
	e->name = c->name;
	e->image = c->image;
	e->runtime = container_runtime_name(c->runtime);
	e->namespace = c->namespace;
	e->pod = c->pod;
	e->rule = c->rule ? c->rule->name : NULL;
	e->cgroup = container_path(c, n->cgroup, sizeof(n->cgroup));
	e->pids_current = s && s->pids != SAMPLE_NONE ? s->pids : UINT64_MAX;
	if (container_limit(c, KNOB_PIDS, &e->pids_max) < 0)
		e->pids_max = UINT64_MAX;
	e->fork_failures = s && s->fork_failures != SAMPLE_NONE ? s->fork_failures : UINT64_MAX;
	if (e->fork_failures == UINT64_MAX) {
		/* The pass did not read it (a quiet container): the file now. */
		struct usage u;

		sample_usage(c, &u);
		e->fork_failures = u.fork_failures;
	}
	container_label(c, n->label, sizeof(n->label));
	n->message[0] = '\0';
}

void
notice_emit(struct notice *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(n->message, sizeof(n->message), fmt, ap);
	va_end(ap);
	n->e.message = n->message;
	events_emit(&n->e);
}
