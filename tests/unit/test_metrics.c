/*
 * The metrics text: label escaping, series per container, posture
 * findings, counters, the histogram.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "config.h"
#include "counters.h"
#include "guard.h"
#include "log.h"
#include "metrics.h"
#include "posture.h"
#include "sample.h"
#include "unit.h"
#include "xmalloc.h"

static void
test_escape(void)
{
	char buf[64];

	CHECK(metrics_escape_label("plain", buf, sizeof(buf)) == 5);
	CHECK_STR(buf, "plain");
	CHECK(metrics_escape_label("a\"b\\c\nd", buf, sizeof(buf)) == 10);
	CHECK_STR(buf, "a\\\"b\\\\c\\nd");
	CHECK(metrics_escape_label("", buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "");
	CHECK(metrics_escape_label(NULL, buf, sizeof(buf)) == 0);
	/* as snprintf: the length it needs, cut to what fits */
	CHECK(metrics_escape_label("\"\"\"\"", buf, 4) == 8);
	CHECK_STR(buf, "\\\"\\");
	CHECK(metrics_escape_label("abc", NULL, 0) == 3);
	/* UTF-8 passes through untouched */
	CHECK(metrics_escape_label("caf\xc3\xa9", buf, sizeof(buf)) == 5);
}

/* The exposition as one string; free() it. */
static char *
render(void)
{
	struct evbuffer *b = evbuffer_new();
	size_t n;
	char *s;

	metrics_render(b);
	n = evbuffer_get_length(b);
	s = xmalloc(n + 1);
	evbuffer_remove(b, s, n);
	s[n] = '\0';
	evbuffer_free(b);
	return s;
}

static char dir[] = "/tmp/cgw-metrics-XXXXXX";

static void
put(const char *id, const char *file, const char *prefix, unsigned long long v)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, id, file);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	fprintf(f, "%s%llu\n", prefix, v);
	fclose(f);
}

/*
 * A container whose cgroup is a directory of the test's, holding the v1
 * files a scrape reads: pids.current, pids.events, memory and CPU usage.
 */
static struct container *
fake(const char *id, const char *name, const char *image, uint32_t pids, uint32_t forks)
{
	struct container *c = xcalloc(1, sizeof(*c));
	struct cg *g = xcalloc(1, sizeof(*g));
	char path[512];

	snprintf(c->id, sizeof(c->id), "%s", id);
	c->name = name ? xstrdup(name) : NULL;
	c->image = image ? xstrdup(image) : NULL;
	c->ring[0].t_ms = 1;
	c->ring[0].pids = pids;
	c->ring[0].fork_failures = forks;
	c->nsamples = 1;
	snprintf(path, sizeof(path), "%s/%s", dir, id);
	mkdir(path, 0755);
	put(id, "pids.current", "", pids);
	put(id, "pids.events", "max ", forks);
	put(id, "memory.usage_in_bytes", "", 4096);
	put(id, "cpuacct.usage", "", 1500000000);
	g->mount = dir;
	g->rel = c->id;
	for (int f = 0; f < CF_COUNT; f++)
		g->fd[f] = -1;
	g->fd[CF_PIDS_CUR] = g->fd[CF_PIDS_EVENTS] = g->fd[CF_MEM_CUR] = g->fd[CF_CPU_USAGE] =
	    FD_ONDEMAND;
	c->cg[0] = g;
	c->src[CF_PIDS_CUR] = c->src[CF_PIDS_EVENTS] = c->src[CF_MEM_CUR] =
	    c->src[CF_CPU_USAGE] = 1; /* cg[0] */
	return c;
}

/*
 * Two spikes the guard saw in c (refused forks rising, rule action none),
 * ten seconds apart so that the second is told too; the ring is put back.
 */
static void
spike_twice(struct ctable *t, struct container *c)
{
	struct config cf = { 0 };
	struct rule r = { 0 };
	struct sample keep = c->ring[0];
	struct guard *g;

	r.name = (char *)(uintptr_t)"test";
	r.action = ACTION_NONE;
	r.spike_fork_failures = 10;
	cf.max_actions_per_minute = 10;
	g = guard_new(t, &cf, 0);
	c->rule = &r;
	for (uint32_t at = 1000; at <= 21000; at += 20000) {
		c->ring[0] = (struct sample){ at - 500, 1, 0 };
		c->ring[1] = (struct sample){ at, 1, 100 };
		c->nsamples = 2;
		guard_check(g, c, at, SRC_PASS);
	}
	c->rule = NULL;
	c->ring[0] = keep;
	c->nsamples = 1;
	guard_free(g);
}

static void
test_render(void)
{
	struct event_base *base = event_base_new();
	struct ctable t = { 0 };
	struct docker *none = NULL;
	const char *a = "aaaa000000000000000000000000000000000000000000000000000000000001";
	const char *b = "bbbb000000000000000000000000000000000000000000000000000000000002";
	struct json_object *o;
	char *s, want[512];

	t.c = xcalloc(2, sizeof(*t.c));
	t.c[0] = fake(b, "we\"ird\\na\nme", "img:1", 7, 3);
	t.c[1] = fake(a, NULL, NULL, 1, 0);
	spike_twice(&t, t.c[0]);
	t.n = 2;
	metrics_init(base, &t, &none);

	s = render();
	CHECK(strstr(s, "# TYPE cgwarden_containers gauge\ncgwarden_containers 2\n") != NULL);
	snprintf(want, sizeof(want), "cgwarden_container_pids{id=\"%s\",name=\"we\\\"ird\\\\na\\nme\","
	    "image=\"img:1\",runtime=\"docker\",namespace=\"\",pod=\"\"} 7\n", b);
	CHECK(strstr(s, want) != NULL);
	snprintf(want, sizeof(want), "cgwarden_container_pids{id=\"%s\",name=\"\",image=\"\",runtime=\"docker\",namespace=\"\",pod=\"\"} 1\n", a);
	CHECK(strstr(s, want) != NULL);
	/* sorted by id: a before b */
	CHECK(strstr(s, want) < strstr(s, "cgwarden_container_pids{id=\"bbbb"));
	CHECK(strstr(s, "cgwarden_container_fork_failures_total{id=\"bbbb") != NULL);
	CHECK(strstr(s, "image=\"img:1\",runtime=\"docker\",namespace=\"\",pod=\"\"} 3\n") != NULL);
	CHECK(strstr(s, "cgwarden_spikes_total{id=\"bbbb0") != NULL);
	CHECK(strstr(s, "image=\"img:1\",runtime=\"docker\",namespace=\"\",pod=\"\"} 2\n") != NULL);
	/* no cgroup to read limits from: unlimited */
	CHECK(strstr(s, "cgwarden_container_pids_max{id=\"aaaa") != NULL);
	CHECK(strstr(s, "name=\"\",image=\"\",runtime=\"docker\",namespace=\"\",pod=\"\"} +Inf\n") != NULL);
	CHECK(strstr(s, "cgwarden_container_cpu_seconds_total{id=\"aaaa") != NULL);
	CHECK(strstr(s, "} 1.500000000\n") != NULL);
	CHECK(strstr(s, "rule=\"defaults\"} 1\n") != NULL);
	/* every action is there from the start; no Docker configured, no docker_up */
	CHECK(strstr(s, "cgwarden_actions_total{action=\"freeze\"} 0\n") != NULL);
	CHECK(strstr(s, "cgwarden_actions_total{action=\"kill\"} 0\n") != NULL);
	CHECK(strstr(s, "cgwarden_actions_total{action=\"alert\"} 0\n") != NULL);
	CHECK(strstr(s, "cgwarden_errors_total{kind=\"limit_write\"} 0\n") != NULL);
	CHECK(strstr(s, "cgwarden_docker_up") == NULL);
	CHECK(strstr(s, "cgwarden_sample_seconds_count 0\n") != NULL);
	free(s);

	/* a pod's container: its runtime, namespace and pod as labels */
	t.c[1]->runtime = RT_CONTAINERD;
	t.c[1]->namespace = xstrdup("team-a");
	t.c[1]->pod = xstrdup("web-0");
	s = render();
	snprintf(want, sizeof(want), "cgwarden_container_pids{id=\"%s\",name=\"\",image=\"\","
	    "runtime=\"containerd\",namespace=\"team-a\",pod=\"web-0\"} 1\n", a);
	CHECK(strstr(s, want) != NULL);
	free(s);
	free(t.c[1]->namespace);
	free(t.c[1]->pod);
	t.c[1]->namespace = t.c[1]->pod = NULL;
	t.c[1]->runtime = RT_DOCKER;

	/* actions and errors are the counters' (the guard counts only what it carried out) */
	counter_add(CNT_FREEZES, 1);
	counter_add(CNT_ALERTS, 1);
	counter_add(CNT_ERR_DOCKER, 1);
	counters_observe_pass(30000);     /* 30 µs */
	counters_observe_pass(2000000000); /* 2 s: only +Inf */
	s = render();
	CHECK(strstr(s, "cgwarden_actions_total{action=\"freeze\"} 1\n") != NULL);
	CHECK(strstr(s, "cgwarden_actions_total{action=\"alert\"} 1\n") != NULL);
	CHECK(strstr(s, "cgwarden_actions_total{action=\"kill\"} 0\n") != NULL);
	CHECK(strstr(s, "cgwarden_errors_total{kind=\"docker\"} 1\n") != NULL);
	CHECK(strstr(s, "cgwarden_sample_seconds_bucket{le=\"2.5e-05\"} 0\n") != NULL);
	CHECK(strstr(s, "cgwarden_sample_seconds_bucket{le=\"5e-05\"} 1\n") != NULL);
	CHECK(strstr(s, "cgwarden_sample_seconds_bucket{le=\"1\"} 1\n") != NULL);
	CHECK(strstr(s, "cgwarden_sample_seconds_bucket{le=\"+Inf\"} 2\n") != NULL);
	CHECK(strstr(s, "cgwarden_sample_seconds_count 2\n") != NULL);
	CHECK(strstr(s, "cgwarden_sample_seconds_sum 2.000030000\n") != NULL);
	free(s);

	/* the findings of the last inspect are posture's, read at each scrape */
	o = json_object_from_file("tests/unit/fixtures/audit/privileged.json");
	CHECK(o != NULL);
	posture_inspected(t.c[0], o, "");
	json_object_put(o);
	s = render();
	snprintf(want, sizeof(want), "cgwarden_posture_findings{id=\"%s\",name=\"we\\\"ird\\\\na"
	    "\\nme\",image=\"img:1\",runtime=\"docker\",namespace=\"\",pod=\"\",check=\"privileged\",severity=\"high\"} 1\n", b);
	CHECK(strstr(s, want) != NULL);
	CHECK(strstr(s, "cgwarden_posture_findings{id=\"aaaa") == NULL);
	free(s);
	posture_forget(b);
	s = render();
	CHECK(strstr(s, "cgwarden_posture_findings{") == NULL);
	free(s);

	/* a container that is gone takes its series with it */
	t.n = 1;
	s = render();
	CHECK(strstr(s, "cgwarden_containers 1\n") != NULL);
	CHECK(strstr(s, "id=\"aaaa") == NULL);
	CHECK(strstr(s, "id=\"bbbb") != NULL);
	free(s);

	metrics_free();
	for (size_t i = 0; i < 2; i++) {
		guard_forget(NULL, t.c[i]);
		free(t.c[i]->cg[0]);
		free(t.c[i]->name);
		free(t.c[i]->image);
		free(t.c[i]);
	}
	free(t.c);
	event_base_free(base);
}

/* Bad addresses fail cleanly; a good one serves, and "" stops it. */
static void
test_listen(void)
{
	struct event_base *base = event_base_new();
	struct ctable t = { 0 };

	metrics_init(base, &t, NULL);
	CHECK(metrics_listen("nowhere") < 0);
	CHECK(metrics_listen("256.1.1.1:80") < 0);
	CHECK(metrics_listen("127.0.0.1:0") == 0);
	CHECK(metrics_listen("127.0.0.1:0") == 0); /* the same: kept */
	CHECK(metrics_listen("") == 0);
	metrics_free();
	event_base_free(base);
}

int
main(void)
{
	log_init(0, 0);
	if (mkdtemp(dir) == NULL)
		return 1;
	test_escape();
	test_render();
	test_listen();
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return unit_done("test_metrics");
}
