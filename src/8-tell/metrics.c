/*
 * Prometheus metrics over HTTP (text format 0.0.4), served by libevent's
 * evhttp on the daemon's own loop.  Every scrape is rendered from the
 * live container table, so the series of a container that is gone are
 * gone with it; the host-wide counts are rendered from counters.c and
 * nothing is counted here.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "counters.h"
#include "docker.h"
#include "guard.h"
#include "log.h"
#include "metrics.h"
#include "posture.h"
#include "report.h"
#include "sample.h"
#include "vis.h"
#include "xmalloc.h"

/* cgwarden_actions_total: the guard's counters of actions carried out. */
static const struct {
	const char *name;
	enum counter k;
} actions[] = { { "freeze", CNT_FREEZES }, { "kill", CNT_KILLS }, { "alert", CNT_ALERTS } };

/* The bounds of counters_bucket_ns(), as the text format writes them. */
static const char *const bucket_le[CNT_NBUCKETS] = {
	"1e-05", "2.5e-05", "5e-05", "0.0001", "0.00025", "0.0005", "0.001",
	"0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1",
};

static struct {
	struct event_base *base;
	const struct ctable *t;
	struct docker *const *docker;
	struct docker *const *podman;
	struct evhttp *http;
	char *addr;        /* what http listens on, or NULL */
} m;

size_t
metrics_escape_label(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++) {
		char esc = *s == '\\' ? '\\' : *s == '"' ? '"' : *s == '\n' ? 'n' : 0;

		if (esc) {
			if (n + 1 < len)
				buf[n] = '\\';
			n++;
		}
		if (n + 1 < len)
			buf[n] = esc ? esc : *s;
		n++;
	}
	if (len > 0)
		buf[n < len ? n : len - 1] = '\0';
	return n;
}

/* label="value", escaped, into a new string. */
static char *
label(const char *key, const char *val)
{
	char *clean = NULL;
	size_t need, klen = strlen(key);
	char *s;

	/* The exposition format is UTF-8: a byte outside it becomes U+FFFD. */
	if (val != NULL && !utf8_valid(val)) {
		size_t n = utf8_clean(NULL, 0, val) + 1;

		utf8_clean(clean = xmalloc(n), n, val);
		val = clean;
	}
	need = metrics_escape_label(val, NULL, 0);
	s = xmalloc(klen + need + 4);
	memcpy(s, key, klen);
	memcpy(s + klen, "=\"", 2);
	metrics_escape_label(val, s + klen + 2, need + 1);
	memcpy(s + klen + 2 + need, "\"", 2);
	free(clean);
	return s;
}

void
metrics_init(struct event_base *base, const struct ctable *t, struct docker *const *docker)
{
	m.base = base;
	m.t = t;
	m.docker = docker;
}

void
metrics_set_podman(struct docker *const *podman)
{
	m.podman = podman;
}

static void
family(struct evbuffer *out, const char *name, const char *type, const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* What one scrape reads of a container, once. */
struct row {
	const struct container *c;
	char *labels; /* id="…",name="…",image="…",runtime="…",namespace="…",pod="…" */
	struct usage u;
	int have_pids, have_forks;
	uint64_t pids, forks;
	uint64_t pids_max, mem_max, cpus_max; /* LIMIT_MAX: unlimited */
	uint64_t spikes;
	int frozen;
};

static int
row_by_id(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return strcmp(x->c->id, y->c->id);
}

static void
fill_row(struct row *r, const struct container *c)
{
	struct guard_view v;
	char *id = label("id", c->id), *name = label("name", c->name ? c->name : "");
	char *image = label("image", c->image ? c->image : "");
	char *rt = label("runtime", container_runtime_name(c->runtime));
	char *ns = label("namespace", c->namespace ? c->namespace : "");
	char *pod = label("pod", c->pod ? c->pod : "");

	r->c = c;
	r->labels = xasprintf("%s,%s,%s,%s,%s,%s", id, name, image, rt, ns, pod);
	free(id);
	free(name);
	free(image);
	free(rt);
	free(ns);
	free(pod);
	/* The kernel files as they are at the scrape. */
	sample_usage(c, &r->u);
	r->have_pids = r->u.pids != USAGE_NONE;
	r->pids = r->have_pids ? r->u.pids : 0;
	r->have_forks = r->u.fork_failures != USAGE_NONE;
	r->forks = r->have_forks ? r->u.fork_failures : 0;
	container_limit(c, KNOB_PIDS, &r->pids_max);
	container_limit(c, KNOB_MEMORY, &r->mem_max);
	container_limit(c, KNOB_CPU, &r->cpus_max);
	guard_view(c, &v);
	r->spikes = v.spikes;
	r->frozen = strcmp(report_state(c), "frozen") == 0;
}

static void
limit_value(struct evbuffer *out, const char *name, const char *labels, uint64_t v,
    double scale)
{
	if (v == LIMIT_MAX)
		evbuffer_add_printf(out, "%s{%s} +Inf\n", name, labels);
	else if (scale == 1)
		evbuffer_add_printf(out, "%s{%s} %" PRIu64 "\n", name, labels, v);
	else
		evbuffer_add_printf(out, "%s{%s} %.3f\n", name, labels, (double)v / scale);
}

/*
 * Security findings of the container's last inspect, counted per check
 * and severity (a check may hold twice: host pid and host network).
 */
static void
render_posture(struct evbuffer *out, struct row *r, size_t n)
{
	family(out, "cgwarden_posture_findings", "gauge",
	    "Security findings on the container (see cgwardenctl audit), by check and severity.");
	for (size_t i = 0; i < n; i++) {
		const struct audit_list *l = posture_findings(r[i].c->id);
		const struct audit_finding *f = l != NULL ? l->f : NULL;
		size_t nf = l != NULL ? l->n : 0;

		for (size_t j = 0; j < nf; j++) {
			unsigned count = 0;
			int seen = 0;

			if (f[j].sev == AUDIT_INFO)
				continue;
			for (size_t k = 0; k < j && !seen; k++)
				seen = strcmp(f[k].check, f[j].check) == 0 && f[k].sev == f[j].sev;
			if (seen)
				continue;
			for (size_t k = j; k < nf; k++)
				count += strcmp(f[k].check, f[j].check) == 0 && f[k].sev == f[j].sev;
			evbuffer_add_printf(out, "cgwarden_posture_findings{%s,check=\"%s\","
			    "severity=\"%s\"} %u\n", r[i].labels, f[j].check,
			    audit_sev_name(f[j].sev), count);
		}
	}
}

static void
render_containers(struct evbuffer *out, struct row *r, size_t n)
{
	family(out, "cgwarden_container_info", "gauge",
	    "Always 1: a container cgwarden watches, with the rule that matched its image.");
	for (size_t i = 0; i < n; i++) {
		char *rule = label("rule", r[i].c->rule ? r[i].c->rule->name : "defaults");

		evbuffer_add_printf(out, "cgwarden_container_info{%s,%s} 1\n", r[i].labels, rule);
		free(rule);
	}
	family(out, "cgwarden_container_pids", "gauge",
	    "Tasks in the container's cgroup (pids.current).");
	for (size_t i = 0; i < n; i++)
		if (r[i].have_pids)
			evbuffer_add_printf(out, "cgwarden_container_pids{%s} %" PRIu64 "\n",
			    r[i].labels, r[i].pids);
	family(out, "cgwarden_container_pids_max", "gauge",
	    "The container's pids.max; +Inf when unlimited.");
	for (size_t i = 0; i < n; i++)
		limit_value(out, "cgwarden_container_pids_max", r[i].labels, r[i].pids_max, 1);
	family(out, "cgwarden_container_fork_failures_total", "counter",
	    "Forks refused because the container was at pids.max (pids.events max).");
	for (size_t i = 0; i < n; i++)
		if (r[i].have_forks)
			evbuffer_add_printf(out,
			    "cgwarden_container_fork_failures_total{%s} %" PRIu64 "\n",
			    r[i].labels, r[i].forks);
	family(out, "cgwarden_spikes_total", "counter",
	    "Spikes the fork-bomb detector saw in the container.");
	for (size_t i = 0; i < n; i++)
		evbuffer_add_printf(out, "cgwarden_spikes_total{%s} %" PRIu64 "\n",
		    r[i].labels, r[i].spikes);
	family(out, "cgwarden_container_memory_bytes", "gauge",
	    "Memory the container's cgroup uses, in bytes.");
	for (size_t i = 0; i < n; i++)
		if (r[i].u.mem != USAGE_NONE)
			evbuffer_add_printf(out, "cgwarden_container_memory_bytes{%s} %" PRIu64 "\n",
			    r[i].labels, r[i].u.mem);
	family(out, "cgwarden_container_memory_max_bytes", "gauge",
	    "The container's memory limit in bytes; +Inf when unlimited.");
	for (size_t i = 0; i < n; i++)
		limit_value(out, "cgwarden_container_memory_max_bytes", r[i].labels,
		    r[i].mem_max, 1);
	family(out, "cgwarden_container_cpu_seconds_total", "counter",
	    "CPU time the container's cgroup used, in seconds.");
	for (size_t i = 0; i < n; i++)
		if (r[i].u.cpu_ns != USAGE_NONE)
			evbuffer_add_printf(out, "cgwarden_container_cpu_seconds_total{%s} %.9f\n",
			    r[i].labels, (double)r[i].u.cpu_ns / 1e9);
	family(out, "cgwarden_container_cpus_max", "gauge",
	    "The container's CPU quota in cores; +Inf when unlimited.");
	for (size_t i = 0; i < n; i++)
		limit_value(out, "cgwarden_container_cpus_max", r[i].labels, r[i].cpus_max, 1000);
	family(out, "cgwarden_container_frozen", "gauge",
	    "1 when the container's cgroup is frozen, else 0.");
	for (size_t i = 0; i < n; i++)
		evbuffer_add_printf(out, "cgwarden_container_frozen{%s} %d\n", r[i].labels,
		    r[i].frozen);
	render_posture(out, r, n);
}

static void
render_host(struct evbuffer *out, size_t ncontainers)
{
	uint64_t cum = 0;

	family(out, "cgwarden_containers", "gauge", "Containers cgwarden watches.");
	evbuffer_add_printf(out, "cgwarden_containers %zu\n", ncontainers);
	family(out, "cgwarden_actions_total", "counter",
	    "Actions taken on spiking containers: freeze and kill carried out, alerts sent.");
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		evbuffer_add_printf(out, "cgwarden_actions_total{action=\"%s\"} %" PRIu64 "\n",
		    actions[i].name, counter_get(actions[i].k));
	family(out, "cgwarden_errors_total", "counter",
	    "Failures the daemon logged and carried on from, by kind.");
	for (int i = CNT_FIRST_ERROR; i < CNT_FIRST_ERROR + CNT_NERRORS; i++)
		evbuffer_add_printf(out, "cgwarden_errors_total{kind=\"%s\"} %" PRIu64 "\n",
		    counter_name((enum counter)i), counter_get((enum counter)i));
	family(out, "cgwarden_sample_seconds", "histogram",
	    "CPU time of one sampling pass over every container, in seconds.");
	for (size_t i = 0; i < CNT_NBUCKETS; i++) {
		cum += counters_bucket(i);
		evbuffer_add_printf(out, "cgwarden_sample_seconds_bucket{le=\"%s\"} %" PRIu64 "\n",
		    bucket_le[i], cum);
	}
	evbuffer_add_printf(out, "cgwarden_sample_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n",
	    counter_get(CNT_PASSES));
	evbuffer_add_printf(out, "cgwarden_sample_seconds_sum %.9f\n",
	    (double)counter_get(CNT_PASS_NS) / 1e9);
	evbuffer_add_printf(out, "cgwarden_sample_seconds_count %" PRIu64 "\n", counter_get(CNT_PASSES));
	/* No Docker socket configured: no series, rather than a false alarm. */
	if (m.docker != NULL && *m.docker != NULL) {
		family(out, "cgwarden_docker_up", "gauge",
		    "1 while the Docker Engine API answers, else 0.");
		evbuffer_add_printf(out, "cgwarden_docker_up %d\n", docker_up(*m.docker));
	}
	/* Podman's API is asked only when its socket was there: the same rule. */
	if (m.podman != NULL && *m.podman != NULL) {
		family(out, "cgwarden_podman_up", "gauge",
		    "1 while Podman's Docker-compatible API answers, else 0.");
		evbuffer_add_printf(out, "cgwarden_podman_up %d\n", docker_up(*m.podman));
	}
}

void
metrics_render(struct evbuffer *out)
{
	size_t n = m.t ? m.t->n : 0;
	struct row *r = xcalloc(n ? n : 1, sizeof(*r));

	for (size_t i = 0; i < n; i++)
		fill_row(&r[i], m.t->c[i]);
	qsort(r, n, sizeof(*r), row_by_id);
	render_host(out, n);
	render_containers(out, r, n);
	for (size_t i = 0; i < n; i++)
		free(r[i].labels);
	free(r);
}

static void
http_cb(struct evhttp_request *req, void *arg)
{
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	struct evkeyvalq *hdr = evhttp_request_get_output_headers(req);
	struct evbuffer *body = evbuffer_new();

	(void)arg;
	if (body == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	if (path != NULL && strcmp(path, "/metrics") == 0) {
		metrics_render(body);
		evhttp_add_header(hdr, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
		evhttp_send_reply(req, HTTP_OK, "OK", body);
	} else if (path != NULL && strcmp(path, "/") == 0) {
		evbuffer_add_printf(body, "cgwardend: metrics are at /metrics\n");
		evhttp_add_header(hdr, "Content-Type", "text/plain; charset=utf-8");
		evhttp_send_reply(req, HTTP_OK, "OK", body);
	} else {
		evbuffer_add_printf(body, "not found: try /metrics\n");
		evhttp_add_header(hdr, "Content-Type", "text/plain; charset=utf-8");
		evhttp_send_reply(req, HTTP_NOTFOUND, "Not Found", body);
	}
	evbuffer_free(body);
}

/* A listening socket on ADDRESS:PORT ([v6]:PORT too), or -1 with err. */
static int
listen_on(const char *addr, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char host[256];
	const char *port, *colon = strrchr(addr, ':');
	size_t hlen;
	int fd = -1, rc, one = 1, saved = 0;

	if (colon == NULL || colon == addr || colon[1] == '\0') {
		snprintf(err, errlen, "'%s' is not ADDRESS:PORT", addr);
		return -1;
	}
	port = colon + 1;
	hlen = (size_t)(colon - addr);
	if (addr[0] == '[' && colon[-1] == ']') {
		addr++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof(host)) {
		snprintf(err, errlen, "'%s' is not ADDRESS:PORT", addr);
		return -1;
	}
	memcpy(host, addr, hlen);
	host[hlen] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	/* No DNS lookups that could stall the loop: numbers, or localhost. */
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV |
	    (strcmp(host, "localhost") == 0 ? 0 : AI_NUMERICHOST);
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		if (rc == EAI_NONAME)
			snprintf(err, errlen, "'%s' is not a numeric address "
			    "(e.g. 127.0.0.1:9447 or [::1]:9447)", host);
		else
			snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 16) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(err, errlen, "%s", strerror(saved ? saved : EADDRNOTAVAIL));
	return fd;
}

/* Where fd listens, as HOST:PORT (the port the kernel chose for port 0). */
static const char *
bound_name(int fd, const char *dflt, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	char host[NI_MAXHOST], port[NI_MAXSERV];

	if (getsockname(fd, (struct sockaddr *)&ss, &slen) < 0 ||
	    getnameinfo((struct sockaddr *)&ss, slen, host, sizeof(host), port,
	    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return dflt;
	if (snprintf(buf, len, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host,
	    port) >= (int)len)
		return dflt;
	return buf;
}

int
metrics_listen(const char *addr)
{
	struct evhttp *http;
	char err[512];
	int fd;

	if (addr == NULL || *addr == '\0') {
		if (m.http != NULL)
			log_info("metrics: no longer serving on %s (metrics_listen is empty)",
			    m.addr);
		if (m.http)
			evhttp_free(m.http);
		m.http = NULL;
		free(m.addr);
		m.addr = NULL;
		return 0;
	}
	if (m.http != NULL && strcmp(m.addr, addr) == 0)
		return 0;
	if (m.base == NULL)
		fatalx("metrics_listen before metrics_init");
	if ((fd = listen_on(addr, err, sizeof(err))) < 0) {
		if (m.http != NULL)
			log_warnx("metrics: cannot listen on %s: %s; still serving on %s",
			    addr, err, m.addr);
		else
			log_warnx("metrics: cannot listen on %s: %s; no metrics endpoint until "
			    "metrics_listen names a free ADDRESS:PORT and cgwardend is reloaded",
			    addr, err);
		return -1;
	}
	if ((http = evhttp_new(m.base)) == NULL) {
		close(fd);
		log_warnx("metrics: evhttp_new failed; no metrics endpoint");
		return -1;
	}
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_timeout(http, 10);
	evhttp_set_max_headers_size(http, 16384);
	evhttp_set_max_body_size(http, 4096);
	evhttp_set_gencb(http, http_cb, NULL);
	if (evhttp_accept_socket_with_handle(http, fd) == NULL) {
		close(fd);
		evhttp_free(http);
		log_warnx("metrics: cannot serve on %s; no metrics endpoint", addr);
		return -1;
	}
	if (m.http)
		evhttp_free(m.http);
	free(m.addr);
	m.http = http;
	m.addr = xstrdup(addr);
	log_info("metrics: serving http://%s/metrics", bound_name(fd, addr, err, sizeof(err)));
	return 0;
}

void
metrics_free(void)
{
	if (m.http)
		evhttp_free(m.http);
	m.http = NULL;
	free(m.addr);
	m.addr = NULL;
	m.t = NULL;
	m.docker = NULL;
	m.base = NULL;
}
