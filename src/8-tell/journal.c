/*
 * Journal entries of events, a sink of the event bus like the others.
 * The field list is built by a pure function (journal_fields) and handed
 * to sd_journal_sendv() whole, so that the entry the journal stores is
 * the one the unit test reads.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include "events.h"
#include "journal.h"
#include "log.h"
#include "xmalloc.h"

static void
add(char **f, size_t *n, size_t max, char *kv)
{
	if (*n < max)
		f[(*n)++] = kv;
	else
		free(kv);
}

/*
 * A text field, escaped (vis.h): names, images, reasons and paths come
 * from outside, and journalctl shows a field with a control byte in it
 * as a blob, or prints it raw with --output=cat.
 */
static void
add_str(char **f, size_t *n, size_t max, const char *key, const char *v)
{
	char *e;

	if (v == NULL || *v == '\0')
		return;
	e = xvis(v);
	add(f, n, max, xasprintf("%s=%s", key, e));
	free(e);
}

static void
add_u64(char **f, size_t *n, size_t max, const char *key, uint64_t v, const char *none)
{
	if (v != UINT64_MAX)
		add(f, n, max, xasprintf("%s=%" PRIu64, key, v));
	else if (none != NULL)
		add(f, n, max, xasprintf("%s=%s", key, none));
}

size_t
journal_fields(const struct gevent *e, char **f, size_t max)
{
	size_t n = 0;

	add_str(f, &n, max, "MESSAGE", e->message ? e->message : events_kind_name(e->kind));
	add_str(f, &n, max, "MESSAGE_ID", events_message_id(e->kind));
	add(f, &n, max, xasprintf("PRIORITY=%d", events_priority(e)));
	add_str(f, &n, max, "SYSLOG_IDENTIFIER", "cgwardend");
	add_str(f, &n, max, "CGWARDEN_EVENT", events_kind_name(e->kind));
	if (e->id != NULL) {
		/* Docker's journald log driver keeps the full id in CONTAINER_ID_FULL. */
		add_str(f, &n, max, "CONTAINER_ID", e->id);
		add_str(f, &n, max, "CONTAINER_ID_FULL", e->id);
	}
	add_str(f, &n, max, "CONTAINER_NAME", e->name);
	add_str(f, &n, max, "IMAGE", e->image);
	add_str(f, &n, max, "RUNTIME", e->runtime);
	add_str(f, &n, max, "NAMESPACE", e->namespace);
	add_str(f, &n, max, "POD", e->pod);
	add_str(f, &n, max, "RULE", e->rule);
	add_str(f, &n, max, "CGROUP", e->cgroup);
	if (e->id != NULL) {
		add_u64(f, &n, max, "PIDS_CURRENT", e->pids_current, NULL);
		add_u64(f, &n, max, "PIDS_MAX", e->pids_max, "max");
		add_u64(f, &n, max, "FORK_FAILURES", e->fork_failures, NULL);
	}
	add_str(f, &n, max, "ACTION", e->action);
	add_str(f, &n, max, "REASON", e->reason);
	add_str(f, &n, max, "PIDS_HISTORY", e->history);
	add_str(f, &n, max, "SEEN_BY", e->seen_by);
	add_str(f, &n, max, "TOP_PROCESSES", e->top);
	if (e->id != NULL || e->dry_run)
		add(f, &n, max, xasprintf("DRY_RUN=%d", e->dry_run ? 1 : 0));
	if (e->id != NULL || e->looping)
		add(f, &n, max, xasprintf("LOOPING=%d", e->looping ? 1 : 0));
	if (e->kind == GEV_POSTURE) {
		add_str(f, &n, max, "CHECK", e->check);
		add_str(f, &n, max, "SEVERITY", e->severity);
	}
	return n;
}

void
journal_fields_free(char **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i]);
}

/* Sends the entry to journald: 0 or -errno. */
static int
journal_send(const struct gevent *e)
{
	char *f[JOURNAL_MAX_FIELDS];
	struct iovec iov[JOURNAL_MAX_FIELDS];
	size_t n = journal_fields(e, f, JOURNAL_MAX_FIELDS);
	int rc;

	for (size_t i = 0; i < n; i++) {
		iov[i].iov_base = f[i];
		iov[i].iov_len = strlen(f[i]);
	}
	rc = sd_journal_sendv(iov, (int)n);
	journal_fields_free(f, n);
	return rc;
}

/*
 * Under the journal, events_emit writes no line: the entry is the telling,
 * and the line only what takes its place when journald refuses the entry.
 */
static void
on_event(const struct gevent *e, void *arg)
{
	(void)arg;
	if (log_journal() && journal_send(e) < 0)
		events_log(e);
}

void
journal_init(void)
{
	events_subscribe(on_event, NULL);
}

void
journal_free(void)
{
	events_unsubscribe(on_event, NULL);
}
