/* Operator reports: one JSON object per container, its counts read from the kernel files at the time of asking. */
#include <inttypes.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cgroup.h"
#include "config.h"
#include "enforce.h"
#include "freezer.h"
#include "guard.h"
#include "jtext.h"
#include "policy.h"
#include "report.h"
#include "sample.h"
#include "xmalloc.h"

/* running or frozen, as the kernel says; or killed by cgwarden. */
const char *
report_state(const struct container *c)
{
	struct guard_view v;
	struct cgdirs dirs;

	guard_view(c, &v);
	if (v.killed)
		return "killed";
	container_dirs(c, &dirs);
	return freezer_state(&dirs) == FS_FROZEN ? "frozen" : "running";
}

static struct json_object *
num_or_null(uint64_t v)
{
	return v == USAGE_NONE ? NULL : json_object_new_uint64(v);
}

static struct json_object *
limit_json(const struct container *c, enum knob k)
{
	uint64_t v;

	if (container_limit(c, k, &v) < 0 || v == LIMIT_MAX)
		return NULL;
	if (k == KNOB_CPU)
		return json_object_new_double((double)v / 1000.0);
	return json_object_new_uint64(v);
}

static struct json_object *
str_or_null(const char *s)
{
	return json_text(s);
}

static struct json_object *
report_container_json(const struct container *c)
{
	struct json_object *o = json_object_new_object(), *paths;
	struct guard_view v;
	struct usage u;
	char path[4096];

	/* The counts as the kernel files say them now, not as the last pass read them. */
	sample_usage(c, &u);
	guard_view(c, &v);
	json_object_object_add(o, "id", json_object_new_string(c->id));
	json_object_object_add(o, "name", str_or_null(c->name));
	json_object_object_add(o, "image", str_or_null(c->image));
	json_object_object_add(o, "rule", json_object_new_string(c->rule ? c->rule->name : "defaults"));
	json_object_object_add(o, "runtime", json_object_new_string(
	    container_runtime_name(c->runtime)));
	json_object_object_add(o, "namespace", str_or_null(c->namespace));
	json_object_object_add(o, "pod", str_or_null(c->pod));
	json_object_object_add(o, "pod_uid", str_or_null(c->pod_uid));
	json_object_object_add(o, "sandbox", json_object_new_boolean(c->sandbox));
	/* What a spike would bring: the rule's action for this runtime. */
	json_object_object_add(o, "action", c->sandbox ? json_object_new_string("none") :
	    c->rule == NULL ? NULL : json_object_new_string(config_action_name(
	    policy_rule_action(c->rule, container_kubernetes(c)))));
	json_object_object_add(o, "pids_current", num_or_null(u.pids));
	json_object_object_add(o, "pids_max", limit_json(c, KNOB_PIDS));
	json_object_object_add(o, "fork_failures", num_or_null(u.fork_failures));
	json_object_object_add(o, "memory_current", num_or_null(u.mem));
	json_object_object_add(o, "memory_max", limit_json(c, KNOB_MEMORY));
	json_object_object_add(o, "cpus", limit_json(c, KNOB_CPU));
	json_object_object_add(o, "cpu_usage_ns", num_or_null(u.cpu_ns));
	json_object_object_add(o, "sampled_ms", json_object_new_uint64(u.at_ms));
	json_object_object_add(o, "state", json_object_new_string(report_state(c)));
	json_object_object_add(o, "frozen_by_cgwarden", json_object_new_boolean(v.frozen_by_us));
	json_object_object_add(o, "docker_paused", json_object_new_boolean(v.docker_paused));
	json_object_object_add(o, "spikes", json_object_new_uint64(v.spikes));
	json_object_object_add(o, "hot", json_object_new_boolean(sample_is_fast(c)));
	json_object_object_add(o, "limits_via", json_object_new_string(
	    enforce_via_systemd(c) ? "systemd" : "cgroupfs"));
	json_object_object_add(o, "cgroup", json_text(container_path(c, path, sizeof(path))));
	paths = json_object_new_array();
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h])
			json_object_array_add(paths, json_text(cg_path(c->cg[h], path, sizeof(path))));
	json_object_object_add(o, "cgroups", paths);
	return o;
}

static int
by_id(const void *a, const void *b)
{
	const struct container *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

/* The containers sorted by id, so that output is stable; free() the array. */
static struct container **
sorted(const struct ctable *t)
{
	struct container **v = calloc(t->n ? t->n : 1, sizeof(*v));

	if (v == NULL)
		return NULL;
	memcpy(v, t->c, t->n * sizeof(*v));
	qsort(v, t->n, sizeof(*v), by_id);
	return v;
}

struct json_object *
report_status_json(const struct ctable *t)
{
	struct json_object *arr = json_object_new_array();
	struct container **v = sorted(t);

	for (size_t i = 0; v && i < t->n; i++)
		json_object_array_add(arr, report_container_json(v[i]));
	free(v);
	return arr;
}

static void
fmt_limit(const struct container *c, enum knob k, char *buf, size_t len)
{
	uint64_t v;

	if (container_limit(c, k, &v) < 0)
		snprintf(buf, len, "-");
	else
		config_fmt_limit(k, v, buf, len);
}

/* One line per container: id, name, image, rule, pids, memory, cpus, state, cgroup. */
void
report_oneshot(const struct ctable *t, FILE *f)
{
	struct container **v = sorted(t);

	for (size_t i = 0; v && i < t->n; i++) {
		const struct container *c = v[i];
		char pmax[32], mmax[32], cpus[32], path[4096];
		char *name, *image, *cg; /* from outside, and the line goes to a terminal */
		struct usage u;

		sample_usage(c, &u);
		name = xvis(c->name ? c->name : "-");
		image = xvis(c->image ? c->image : "-");
		cg = xvis(container_path(c, path, sizeof(path)));
		fmt_limit(c, KNOB_PIDS, pmax, sizeof(pmax));
		fmt_limit(c, KNOB_MEMORY, mmax, sizeof(mmax));
		fmt_limit(c, KNOB_CPU, cpus, sizeof(cpus));
		fprintf(f, "%s name=%s image=%s rule=%s pids=%" PRIu64 "/%s "
		    "fork_failures=%" PRIu64 " memory=%" PRIu64 "/%s cpus=%s state=%s cgroup=%s\n",
		    c->id, name, image, c->rule ? c->rule->name : "defaults",
		    u.pids != USAGE_NONE ? u.pids : 0, pmax,
		    u.fork_failures != USAGE_NONE ? u.fork_failures : 0,
		    u.mem != USAGE_NONE ? u.mem : 0, mmax, cpus, report_state(c), cg);
		free(name);
		free(image);
		free(cg);
	}
	free(v);
}
