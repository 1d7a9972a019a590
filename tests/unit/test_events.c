/* Events: the journal entry's fields, the alert, the JSON. */
#include <json.h>
#include <stdlib.h>
#include <syslog.h>

#include "alertmgr.h"
#include "events.h"
#include "journal.h"
#include "unit.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct gevent
freeze_event(void)
{
	struct gevent e = {
		.kind = GEV_FREEZE,
		.time_ms = 1700000000123,
		.id = ID,
		.name = "web",
		.image = "nginx:1.25",
		.rule = "nginx",
		.cgroup = "/sys/fs/cgroup/system.slice/docker-" ID ".scope",
		.pids_current = 100,
		.pids_max = 100,
		.fork_failures = 42,
		.action = "freeze",
		.reason = "42 forks refused in 12 ms (spike_fork_failures 20)",
		.history = "3/100 5/100 100/100",
		.top = "sh 97, sleep 1",
		.message = "container web (0123456789ab): frozen: 42 forks refused in 12 ms",
	};
	return e;
}

/* The value of KEY among the fields, or NULL. */
static const char *
field(char **f, size_t n, const char *key)
{
	size_t k = strlen(key);

	for (size_t i = 0; i < n; i++)
		if (strncmp(f[i], key, k) == 0 && f[i][k] == '=')
			return f[i] + k + 1;
	return NULL;
}

static void
test_journal_freeze(void)
{
	struct gevent e = freeze_event();
	char *f[JOURNAL_MAX_FIELDS], prio[8];
	size_t n = journal_fields(&e, f, JOURNAL_MAX_FIELDS);
	int bad_keys = 0;

	snprintf(prio, sizeof(prio), "%d", LOG_WARNING);
	CHECK_STR(field(f, n, "MESSAGE"), e.message);
	CHECK_STR(field(f, n, "MESSAGE_ID"), "f06fde3f09084641abb5092d40da1c9d");
	CHECK_STR(field(f, n, "PRIORITY"), prio);
	CHECK_STR(field(f, n, "SYSLOG_IDENTIFIER"), "cgwardend");
	CHECK_STR(field(f, n, "CGWARDEN_EVENT"), "freeze");
	CHECK_STR(field(f, n, "CONTAINER_ID"), ID);
	CHECK_STR(field(f, n, "CONTAINER_ID_FULL"), ID);
	CHECK_STR(field(f, n, "CONTAINER_NAME"), "web");
	CHECK_STR(field(f, n, "IMAGE"), "nginx:1.25");
	CHECK_STR(field(f, n, "RULE"), "nginx");
	CHECK_STR(field(f, n, "CGROUP"), e.cgroup);
	CHECK_STR(field(f, n, "PIDS_CURRENT"), "100");
	CHECK_STR(field(f, n, "PIDS_MAX"), "100");
	CHECK_STR(field(f, n, "FORK_FAILURES"), "42");
	CHECK_STR(field(f, n, "ACTION"), "freeze");
	CHECK_STR(field(f, n, "REASON"), e.reason);
	CHECK_STR(field(f, n, "PIDS_HISTORY"), "3/100 5/100 100/100");
	CHECK_STR(field(f, n, "TOP_PROCESSES"), "sh 97, sleep 1");
	CHECK_STR(field(f, n, "DRY_RUN"), "0");
	CHECK_STR(field(f, n, "LOOPING"), "0");
	CHECK(field(f, n, "CHECK") == NULL && field(f, n, "SEVERITY") == NULL);
	/* every field is KEY=value with a journal-valid key */
	for (size_t i = 0; i < n; i++) {
		size_t k = strspn(f[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

		if (k == 0 || f[i][k] != '=')
			bad_keys++;
	}
	CHECK(bad_keys == 0);
	journal_fields_free(f, n);
}

static void
test_journal_other(void)
{
	struct gevent e = { .kind = GEV_RELOAD, .message = "configuration reloaded" };
	struct gevent p = { .kind = GEV_POSTURE, .check = "privileged", .severity = "high",
		.id = ID, .pids_current = UINT64_MAX, .pids_max = UINT64_MAX,
		.fork_failures = UINT64_MAX, .message = "privileged container" };
	char *f[JOURNAL_MAX_FIELDS], prio[8];
	size_t n = journal_fields(&e, f, JOURNAL_MAX_FIELDS);

	/* a host event: no container fields, no counts */
	snprintf(prio, sizeof(prio), "%d", LOG_INFO);
	CHECK_STR(field(f, n, "PRIORITY"), prio);
	CHECK_STR(field(f, n, "MESSAGE_ID"), events_message_id(GEV_RELOAD));
	CHECK(field(f, n, "CONTAINER_ID") == NULL && field(f, n, "PIDS_MAX") == NULL);
	CHECK(field(f, n, "DRY_RUN") == NULL);
	journal_fields_free(f, n);

	/* posture: CHECK and SEVERITY; unknown counts left out, unlimited is "max" */
	n = journal_fields(&p, f, JOURNAL_MAX_FIELDS);
	CHECK_STR(field(f, n, "CHECK"), "privileged");
	CHECK_STR(field(f, n, "SEVERITY"), "high");
	CHECK(field(f, n, "PIDS_CURRENT") == NULL && field(f, n, "FORK_FAILURES") == NULL);
	CHECK_STR(field(f, n, "PIDS_MAX"), "max");
	snprintf(prio, sizeof(prio), "%d", LOG_WARNING);
	CHECK_STR(field(f, n, "PRIORITY"), prio);
	journal_fields_free(f, n);

	/* never more than asked for */
	n = journal_fields(&p, f, 3);
	CHECK(n == 3);
	journal_fields_free(f, n);
}

/* Text from outside reaches the journal escaped: no field holds a control byte. */
static void
test_journal_hostile(void)
{
	struct gevent e = freeze_event();
	char *f[JOURNAL_MAX_FIELDS];
	size_t n;
	int raw = 0;

	e.name = "web\ncgwardend: FORGED";
	e.image = "img\033[2J\a";
	e.cgroup = "/sys/fs/cgroup/pids/docker/x\ty";
	e.top = "sh\r 97";
	e.message = "container web\ncgwardend: FORGED (0123456789ab): frozen";
	n = journal_fields(&e, f, JOURNAL_MAX_FIELDS);
	CHECK_STR(field(f, n, "CONTAINER_NAME"), "web\\ncgwardend: FORGED");
	CHECK_STR(field(f, n, "IMAGE"), "img\\033[2J\\a");
	CHECK_STR(field(f, n, "CGROUP"), "/sys/fs/cgroup/pids/docker/x\\ty");
	CHECK_STR(field(f, n, "TOP_PROCESSES"), "sh\\r 97");
	CHECK_STR(field(f, n, "MESSAGE"), "container web\\ncgwardend: FORGED (0123456789ab): frozen");
	for (size_t i = 0; i < n; i++)
		for (const unsigned char *c = (const unsigned char *)f[i]; *c; c++)
			raw += *c < 0x20 || *c == 0x7f;
	CHECK(raw == 0);
	journal_fields_free(f, n);
}

static void
test_message_ids(void)
{
	for (int k = 0; k < GEV_COUNT; k++) {
		const char *id = events_message_id((enum gev_kind)k);

		CHECK(id != NULL && strlen(id) == 32 && strspn(id, "0123456789abcdef") == 32);
		for (int j = 0; j < k; j++)
			CHECK(strcmp(id, events_message_id((enum gev_kind)j)) != 0);
	}
}

static void
test_describe(void)
{
	struct gevent e = freeze_event();
	char buf[256];

	e.dry_run = 1;
	CHECK_STR(events_describe(&e, buf, sizeof(buf)), "container web (0123456789ab): "
	    "freeze, action freeze [monitor mode]: 42 forks refused in 12 ms "
	    "(spike_fork_failures 20)");
	e.name = NULL;
	e.dry_run = 0;
	e.reason = NULL;
	CHECK_STR(events_describe(&e, buf, sizeof(buf)), "container 0123456789ab: freeze, "
	    "action freeze");
}

static const char *
label(struct json_object *a, const char *k)
{
	struct json_object *l, *v;

	if (!json_object_object_get_ex(a, "labels", &l) || !json_object_object_get_ex(l, k, &v))
		return NULL;
	return json_object_get_string(v);
}

static const char *
annotation(struct json_object *a, const char *k)
{
	struct json_object *l, *v;

	if (!json_object_object_get_ex(a, "annotations", &l) ||
	    !json_object_object_get_ex(l, k, &v))
		return NULL;
	return json_object_get_string(v);
}

static void
test_alert(void)
{
	struct gevent e = freeze_event();
	struct json_object *a = alertmgr_alert(&e, "host1"), *v;

	CHECK(a != NULL);
	CHECK_STR(label(a, "alertname"), "CgwardenForkBomb");
	CHECK_STR(label(a, "container"), "web");
	CHECK_STR(label(a, "image"), "nginx:1.25");
	CHECK_STR(label(a, "host"), "host1");
	CHECK_STR(label(a, "action"), "freeze");
	CHECK_STR(label(a, "severity"), "critical");
	CHECK_STR(label(a, "id"), ID);
	CHECK_STR(annotation(a, "summary"), e.message);
	CHECK(strstr(annotation(a, "description"), "sh 97, sleep 1") != NULL);
	CHECK(strstr(annotation(a, "description"), "pids 100/100, 42 forks refused") != NULL);
	CHECK(strstr(annotation(a, "runbook"), "cgwardenctl thaw web") != NULL);
	CHECK(strstr(annotation(a, "runbook"), "[image \"nginx:1.25\"]") != NULL);
	CHECK(json_object_object_get_ex(a, "startsAt", &v) &&
	    strcmp(json_object_get_string(v), "2023-11-14T22:13:20.123Z") == 0);
	CHECK(!json_object_object_get_ex(a, "endsAt", &v));
	json_object_put(a);

	/* Text from outside is escaped; the description's own breaks stay. */
	e.name = "web\nFORGED";
	e.image = "img\033[2J";
	e.top = "sh\a 97";
	a = alertmgr_alert(&e, "host1");
	CHECK_STR(label(a, "container"), "web\\nFORGED");
	CHECK_STR(label(a, "image"), "img\\033[2J");
	CHECK(strstr(annotation(a, "description"), "\ntop processes: sh\\a 97") != NULL);
	CHECK(strstr(annotation(a, "runbook"), "cgwardenctl thaw web\\nFORGED") != NULL);
	json_object_put(a);
	e = freeze_event();

	/* a spike that only alerts: warning; no name: the short id */
	e.kind = GEV_SPIKE;
	e.action = "alert";
	e.name = NULL;
	a = alertmgr_alert(&e, "host1");
	CHECK_STR(label(a, "severity"), "warning");
	CHECK_STR(label(a, "container"), "0123456789ab");
	CHECK_STR(label(a, "action"), "alert");
	json_object_put(a);
	e.action = "kill";
	a = alertmgr_alert(&e, "host1");
	CHECK_STR(label(a, "severity"), "critical");
	json_object_put(a);
	e.action = "freeze-failed";
	a = alertmgr_alert(&e, "host1");
	CHECK_STR(label(a, "severity"), "critical");
	json_object_put(a);

	/* posture: only high; a host finding has no container label */
	e = (struct gevent){ .kind = GEV_POSTURE, .check = "daemon-tcp-without-tls",
		.severity = "high", .message = "dockerd listens on tcp without TLS" };
	a = alertmgr_alert(&e, "host1");
	CHECK_STR(label(a, "alertname"), "CgwardenPosture");
	CHECK_STR(label(a, "severity"), "high");
	CHECK_STR(label(a, "check"), "daemon-tcp-without-tls");
	CHECK(label(a, "container") == NULL && label(a, "id") == NULL);
	json_object_put(a);
	e.severity = "medium";
	CHECK(alertmgr_alert(&e, "host1") == NULL);

	/* not alerted: thaw, limit, reload */
	e = freeze_event();
	e.kind = GEV_THAW;
	CHECK(alertmgr_alert(&e, "h") == NULL);
	e.kind = GEV_LIMIT;
	CHECK(alertmgr_alert(&e, "h") == NULL);
	e.kind = GEV_RELOAD;
	CHECK(alertmgr_alert(&e, "h") == NULL);
}

static int sunk;
static enum gev_kind sunk_kind;

static void
sink(const struct gevent *e, void *arg)
{
	(void)arg;
	sunk++;
	sunk_kind = e->kind;
	CHECK(e->message != NULL && e->time_ms != 0);
}

static void
test_emit_json(void)
{
	struct gevent e = freeze_event();
	struct json_object *o, *v;

	e.time_ms = 0;
	e.message = NULL;
	events_subscribe(sink, NULL);
	events_emit(&e);
	events_unsubscribe(sink, NULL);
	events_emit(&e);
	CHECK(sunk == 1 && sunk_kind == GEV_FREEZE);
	CHECK(e.message == NULL && e.time_ms != 0);

	e = freeze_event();
	e.pids_max = UINT64_MAX;
	o = events_json(&e);
	CHECK(json_object_object_get_ex(o, "kind", &v) &&
	    strcmp(json_object_get_string(v), "freeze") == 0);
	CHECK(json_object_object_get_ex(o, "pids_max", &v) && v == NULL);
	CHECK(json_object_object_get_ex(o, "fork_failures", &v) &&
	    json_object_get_uint64(v) == 42);
	CHECK(json_object_object_get_ex(o, "top", &v) &&
	    strcmp(json_object_get_string(v), "sh 97, sleep 1") == 0);
	/* a container's event: runtime, and namespace and pod null where unknown */
	CHECK(json_object_object_get_ex(o, "namespace", &v) && v == NULL);
	CHECK(json_object_object_get_ex(o, "pod", &v) && v == NULL);
	json_object_put(o);

	e.runtime = "containerd";
	e.namespace = "team-a";
	e.pod = "web-0";
	o = events_json(&e);
	CHECK(json_object_object_get_ex(o, "runtime", &v) &&
	    strcmp(json_object_get_string(v), "containerd") == 0);
	CHECK(json_object_object_get_ex(o, "namespace", &v) &&
	    strcmp(json_object_get_string(v), "team-a") == 0);
	CHECK(json_object_object_get_ex(o, "pod", &v) &&
	    strcmp(json_object_get_string(v), "web-0") == 0);
	json_object_put(o);
	{
		char *f[JOURNAL_MAX_FIELDS];
		size_t n = journal_fields(&e, f, JOURNAL_MAX_FIELDS);

		CHECK_STR(field(f, n, "RUNTIME"), "containerd");
		CHECK_STR(field(f, n, "NAMESPACE"), "team-a");
		CHECK_STR(field(f, n, "POD"), "web-0");
		journal_fields_free(f, n);
	}
}

int
main(void)
{
	test_journal_freeze();
	test_journal_other();
	test_journal_hostile();
	test_message_ids();
	test_describe();
	test_alert();
	test_emit_json();
	return unit_done("test_events");
}
