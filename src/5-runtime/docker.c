/*
 * Docker Engine API client, over docker_socket, inside the loop.  Per
 * container one GET /containers/{id}/json gives its name and image (kept
 * on the container, never asked again per sample); GET /events streams
 * start and update events.  When Docker is absent or dies, enforcement by
 * cgroup goes on: images come from Docker's on-disk config, the link is
 * retried with capped back-off, and a reconnect asks again about every
 * container whose image was not confirmed.  The only requests that change
 * anything are the guard's pause and unpause of a container it froze.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docker.h"
#include "httpc.h"
#include "log.h"
#include "counters.h"
#include "xmalloc.h"

#define MAX_INSPECT (1u << 20)  /* bytes of one inspect reply */
#define MAX_EVENT (64u << 10)   /* bytes of one event line */
#define MAX_SKIP (1u << 20)     /* bytes of one over-long line before the stream is dropped */
#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000
#define NPENDING 64              /* create events remembered before the cgroup */
#define EVENTS_URL "http://docker/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D"

struct docker {
	enum runtime rt; /* whose containers: Docker's, or Podman's through its compatible API */
	const char *what; /* "Docker", "Podman": for the log */
	struct httpc *h;
	char *sock;
	char *data_root;
	struct ctable *t;
	docker_meta_cb meta_cb;
	docker_event_cb event_cb;
	void *arg;
	docker_inspect_cb inspect_cb;
	void *inspect_arg;
	int up;          /* the events stream is connected */
	int ever_up;
	int lost_logged;
	long backoff_ms;
	struct event *retry;
	struct httpc_req *events;
	struct httpc_req *ping;
	/* Name and image from create events of containers whose cgroup is not
	 * there yet: when it appears, its rule is known without an inspect. */
	struct pending {
		char id[ID_LEN + 1];
		struct docker_meta m;
	} pending[NPENDING];
	unsigned npending;
	char *line;      /* partial event line */
	size_t len;
	int skipping;    /* dropping an over-long line */
	size_t skipped;  /* ... this much of it so far */
	int garbled;     /* the stream was dropped for garbage: no quick reconnect */
};

struct lookup {
	struct docker *d;
	char id[ID_LEN + 1];
};

static void connect_later(struct docker *);

static const char *
jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t
jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return 0;
	return json_object_get_int64(v);
}

static int
jbool(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static struct json_object *
jobj(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}

static struct json_object *
parse_json(const char *json, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new_ex(32);
	struct json_object *o;

	if (tok == NULL)
		fatalx("out of memory");
	/* A depth cap of 32 and an explicit length: truncated or hostile input fails. */
	o = json_tokener_parse_ex(tok, json, (int)len);
	if (o == NULL && json_tokener_get_error(tok) == json_tokener_continue)
		snprintf(err, errlen, "truncated JSON");
	else if (o == NULL)
		snprintf(err, errlen, "not JSON: %s",
		    json_tokener_error_desc(json_tokener_get_error(tok)));
	json_tokener_free(tok);
	return o;
}

int
docker_inspect_paused(struct json_object *inspect)
{
	struct json_object *st = jobj(inspect, "State");

	return st != NULL && jbool(st, "Paused");
}

/* What matters of a parsed inspect (or config.v2.json): 0, or -1 with err set. */
static int
meta_from_json(struct json_object *o, struct docker_meta *m, char *err, size_t errlen)
{
	struct json_object *cfg, *hc;
	const char *name, *image;

	memset(m, 0, sizeof(*m));
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "not a JSON object");
		return -1;
	}
	name = jstr(o, "Name");
	cfg = jobj(o, "Config");
	image = cfg ? jstr(cfg, "Image") : NULL;
	if (name == NULL || image == NULL || *image == '\0') {
		snprintf(err, errlen, "no Name or Config.Image");
		return -1;
	}
	snprintf(m->name, sizeof(m->name), "%s", name[0] == '/' ? name + 1 : name);
	snprintf(m->image, sizeof(m->image), "%s", image);
	if ((hc = jobj(o, "HostConfig")) != NULL) {
		m->pids_limit = jint(hc, "PidsLimit");
		m->memory = jint(hc, "Memory");
		m->nano_cpus = jint(hc, "NanoCpus");
	}
	return 0;
}

/*
 * Reads what matters of a container's inspect JSON (or of Docker's
 * config.v2.json, which has the same Name and Config.Image).  Wrong
 * types count as absent; 0, or -1 with err set.
 */
int
docker_parse_inspect(const char *json, size_t len, struct docker_meta *m,
    char *err, size_t errlen)
{
	struct json_object *o;
	int rc;

	memset(m, 0, sizeof(*m));
	if ((o = parse_json(json, len, err, errlen)) == NULL)
		return -1;
	rc = meta_from_json(o, m, err, errlen);
	json_object_put(o);
	return rc;
}

/*
 * Reads one /events line: 0 with the action's first word, the id and, when
 * the event carries them, the name and image; or -1.
 */
int
docker_parse_event(const char *json, size_t len, char *action, size_t alen,
    char id[ID_LEN + 1], struct docker_meta *m)
{
	struct json_object *o, *actor, *attrs;
	const char *type, *act, *cid, *v;
	char err[128];
	int rc = -1;

	if ((o = parse_json(json, len, err, sizeof(err))) == NULL)
		return -1;
	if (json_object_is_type(o, json_type_object) &&
	    (type = jstr(o, "Type")) != NULL && strcmp(type, "container") == 0 &&
	    (act = jstr(o, "Action")) != NULL && (actor = jobj(o, "Actor")) != NULL &&
	    (cid = jstr(actor, "ID")) != NULL && container_id_from_name(cid, id) == 0 &&
	    strlen(cid) == ID_LEN) {
		snprintf(action, alen, "%.*s", (int)strcspn(act, ": "), act);
		/* Podman's compatible API says "died" where Docker says "die" (podman#16857). */
		if (strcmp(action, "died") == 0)
			snprintf(action, alen, "die");
		memset(m, 0, sizeof(*m));
		if ((attrs = jobj(actor, "Attributes")) != NULL) {
			if ((v = jstr(attrs, "name")) != NULL)
				snprintf(m->name, sizeof(m->name), "%s", v);
			if ((v = jstr(attrs, "image")) != NULL)
				snprintf(m->image, sizeof(m->image), "%s", v);
		}
		rc = 0;
	}
	json_object_put(o);
	return rc;
}

static void
apply_meta(struct docker *d, struct container *c, const struct docker_meta *m, int source)
{
	int changed = c->image == NULL || strcmp(c->image, m->image) != 0 ||
	    c->name == NULL || strcmp(c->name, m->name) != 0;

	free(c->name);
	free(c->image);
	c->name = xstrdup(m->name);
	c->image = xstrdup(m->image);
	c->meta = source;
	/* Only the API's inspect has HostConfig: keep what it said otherwise. */
	if (source == META_API) {
		uint64_t lim[KNOB_COUNT] = {
			m->pids_limit > 0 ? (uint64_t)m->pids_limit : LIMIT_MAX,
			m->memory > 0 ? (uint64_t)m->memory : LIMIT_MAX,
			m->nano_cpus > 0 ? (uint64_t)m->nano_cpus / 1000000 : LIMIT_MAX,
		};

		changed |= memcmp(lim, c->docker_limit, sizeof(lim)) != 0;
		memcpy(c->docker_limit, lim, sizeof(lim));
	}
	if (changed && d->meta_cb)
		d->meta_cb(c, d->arg);
}

/* Docker's own record of a container, for when the API cannot answer. */
static void
lookup_disk(struct docker *d, struct container *c)
{
	char path[4096], err[128], *buf;
	struct docker_meta m;
	ssize_t n;
	int fd;

	if (*d->data_root == '\0' ||
	    snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", d->data_root,
	    c->id) >= (int)sizeof(path) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	buf = xmalloc(MAX_INSPECT);
	n = read(fd, buf, MAX_INSPECT);
	close(fd);
	if (n > 0 && docker_parse_inspect(buf, (size_t)n, &m, err, sizeof(err)) == 0)
		apply_meta(d, c, &m, META_DISK);
	else if (n > 0) {
		log_warnx("container %.12s: %s: %s", c->id, path, err);
		counter_add(CNT_ERR_DOCKER, 1);
	}
	free(buf);
}

struct json_object *
docker_stand_in(const char *data_root, const char *id)
{
	char path[4096], err[128], *buf;
	struct json_object *hc = NULL, *o, *mounts, *v;
	ssize_t n = -1;
	int fd;

	if (data_root != NULL && *data_root != '\0' &&
	    snprintf(path, sizeof(path), "%s/containers/%s/hostconfig.json", data_root,
	    id) < (int)sizeof(path) && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		buf = xmalloc(MAX_INSPECT);
		n = read(fd, buf, MAX_INSPECT);
		close(fd);
		if (n > 0 && n < (ssize_t)MAX_INSPECT)
			hc = parse_json(buf, (size_t)n, err, sizeof(err));
		free(buf);
	}
	if (hc == NULL || !json_object_is_type(hc, json_type_object)) {
		json_object_put(hc);
		return NULL;
	}
	o = json_object_new_object();
	mounts = json_object_new_array();
	/* -v SRC:DST[:OPTS] and --mount, as the inspect's Mounts would say them. */
	if (json_object_object_get_ex(hc, "Binds", &v) && json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *b = json_object_array_get_idx(v, i), *m;
			const char *s = json_object_is_type(b, json_type_string) ?
			    json_object_get_string(b) : NULL, *colon;

			if (s == NULL || (colon = strchr(s, ':')) == NULL)
				continue;
			m = json_object_new_object();
			json_object_object_add(m, "Type", json_object_new_string("bind"));
			json_object_object_add(m, "Source",
			    json_object_new_string_len(s, (int)(colon - s)));
			json_object_object_add(m, "Destination",
			    json_object_new_string_len(colon + 1, (int)strcspn(colon + 1, ":")));
			json_object_object_add(m, "RW", json_object_new_boolean(
			    strstr(colon + 1, ":ro") == NULL));
			json_object_array_add(mounts, m);
		}
	if (json_object_object_get_ex(hc, "Mounts", &v) && json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *spec = json_object_array_get_idx(v, i), *m;
			const char *t = jstr(spec, "Type"), *s = jstr(spec, "Source"),
			    *dst = jstr(spec, "Target");

			if (t == NULL || s == NULL || dst == NULL)
				continue;
			m = json_object_new_object();
			json_object_object_add(m, "Type", json_object_new_string(t));
			json_object_object_add(m, "Source", json_object_new_string(s));
			json_object_object_add(m, "Destination", json_object_new_string(dst));
			json_object_object_add(m, "RW",
			    json_object_new_boolean(!jbool(spec, "ReadOnly")));
			json_object_array_add(mounts, m);
		}
	json_object_object_add(o, "HostConfig", hc);
	json_object_object_add(o, "Mounts", mounts);
	snprintf(path, sizeof(path), "Docker's inspect reply is larger than %u MiB (its "
	    "labels?): its mounts and privileges were checked from hostconfig.json, its "
	    "image and user were not read", MAX_INSPECT >> 20);
	json_object_object_add(o, "cgwarden.partial", json_object_new_string(path));
	return o;
}

static void
inspect_done(int status, const char *body, size_t len, const char *err, void *arg)
{
	struct lookup *l = arg;
	struct docker *d = l->d;
	struct container *c = container_find(d->t, l->id);
	struct json_object *o = NULL;
	struct docker_meta m;
	char perr[128];

	if (c == NULL) {
		free(l);
		return; /* gone meanwhile */
	}
	if (status == 200 && (o = parse_json(body, len, perr, sizeof(perr))) != NULL &&
	    meta_from_json(o, &m, perr, sizeof(perr)) == 0) {
		apply_meta(d, c, &m, META_API);
		/* The same reply, parsed once, for whoever checks more of it. */
		if (d->inspect_cb)
			d->inspect_cb(c, o, d->inspect_arg);
	} else if (status == 404) {
		c->meta = META_UNKNOWN;
		log_debug("container %.12s: %s does not know it", c->id, d->what);
	} else if (status == 0 && err != NULL && strcmp(err, HTTPC_TOO_LARGE) == 0) {
		/* Asking again would fetch the same: what can be known is known. */
		c->meta = META_UNKNOWN;
		counter_add(CNT_ERR_DOCKER, 1);
		log_warnx("container %.12s: %s's inspect reply is larger than %u MiB%s",
		    c->id, d->what, MAX_INSPECT >> 20, c->image ? "" : ": [defaults] hold it");
		if (d->inspect_cb && (o = docker_stand_in(d->data_root, c->id)) != NULL)
			d->inspect_cb(c, o, d->inspect_arg);
	} else {
		c->meta = META_NONE;
		counter_add(CNT_ERR_DOCKER, 1);
		if (status == 200)
			log_warnx("container %.12s: %s's inspect reply rejected: %s",
			    c->id, d->what, perr);
		else if (status)
			log_warnx("container %.12s: %s answered inspect with HTTP %d",
			    c->id, d->what, status);
		else
			log_warnx("container %.12s: %s inspect failed: %s", c->id, d->what, err);
		lookup_disk(d, c);
	}
	json_object_put(o);
	free(l);
}

/* Finds out the container's name and image, once. */
void
docker_lookup(struct docker *d, struct container *c)
{
	struct httpc_opts o = { .max_body = MAX_INSPECT, .timeout_ms = 5000 };
	struct lookup *l;
	char url[160];

	if (d == NULL || c->runtime != d->rt || c->meta == META_PENDING ||
	    c->meta == META_API || c->meta == META_UNKNOWN)
		return;
	for (unsigned i = 0; i < NPENDING && c->meta == META_NONE; i++)
		if (strcmp(d->pending[i].id, c->id) == 0) {
			d->pending[i].id[0] = '\0';
			apply_meta(d, c, &d->pending[i].m, META_API);
			/* The create event names it; the rest of it is only in an inspect. */
			if (d->inspect_cb == NULL || !d->up)
				return;
			break;
		}
	/*
	 * Docker's record first, even when it is up: a container its restart
	 * policy started again has no create event, and its first ceiling and
	 * a bomb in its first milliseconds must go by its image's rule, not by
	 * the defaults while the inspect is in flight.
	 */
	if (c->meta == META_NONE)
		lookup_disk(d, c);
	if (!d->up)
		return;
	o.unix_socket = d->sock;
	l = xcalloc(1, sizeof(*l));
	l->d = d;
	memcpy(l->id, c->id, sizeof(l->id));
	snprintf(url, sizeof(url), "http://docker/containers/%s/json", c->id);
	c->meta = META_PENDING;
	httpc_request(d->h, url, &o, inspect_done, l);
}

struct post {
	docker_done_cb cb;
	void *arg;
};

static void
post_done(int status, const char *body, size_t len, const char *err, void *arg)
{
	struct post *p = arg;
	char msg[256];

	if (status >= 200 && status < 300)
		p->cb(1, NULL, p->arg);
	else {
		if (status == 0)
			snprintf(msg, sizeof(msg), "%s", err ? err : "no reply");
		else
			/* Docker's errors are {"message": "..."}: show the text. */
			snprintf(msg, sizeof(msg), "HTTP %d: %.*s", status,
			    (int)(len > 200 ? 200 : len), body ? body : "");
		msg[strcspn(msg, "\n")] = '\0';
		p->cb(0, msg, p->arg);
	}
	free(p);
}

/* POST /containers/{id}/{verb} (pause, unpause): -1 when Docker is not up. */
int
docker_post(struct docker *d, const char *id, const char *verb, docker_done_cb cb,
    void *arg)
{
	struct httpc_opts o = { .method = "POST", .max_body = 4096, .timeout_ms = 5000 };
	struct post *p;
	char url[160];

	if (d == NULL || !d->up)
		return -1;
	o.unix_socket = d->sock;
	p = xcalloc(1, sizeof(*p));
	p->cb = cb;
	p->arg = arg;
	snprintf(url, sizeof(url), "http://docker/containers/%s/%s", id, verb);
	httpc_request(d->h, url, &o, post_done, p);
	return 0;
}

int
docker_up(const struct docker *d)
{
	return d != NULL && d->up;
}

static void
handle_event(struct docker *d, const char *line, size_t len)
{
	char action[32], id[ID_LEN + 1];
	struct docker_meta m;
	struct container *c;

	if (docker_parse_event(line, len, action, sizeof(action), id, &m) < 0)
		return;
	log_debug("%s event %s %.12s", d->what, action, id);
	if ((c = container_find(d->t, id)) == NULL) {
		/* Its cgroup is not there yet: remember who it is for then. */
		if (strcmp(action, "create") == 0 && m.name[0] && m.image[0]) {
			struct pending *p = &d->pending[d->npending++ % NPENDING];

			memcpy(p->id, id, sizeof(p->id));
			p->m = m;
		}
		return;
	}
	/* update: its own limits (HostConfig) changed; ask again. */
	if (strcmp(action, "start") == 0 || strcmp(action, "rename") == 0 ||
	    strcmp(action, "update") == 0) {
		if (c->meta != META_PENDING)
			c->meta = META_NONE;
		docker_lookup(d, c);
	}
	if (d->event_cb)
		d->event_cb(c, action, d->arg);
}

/* Splits the stream into lines, each one event; over-long lines are dropped. */
static int
events_data(const char *data, size_t len, void *arg)
{
	struct docker *d = arg;

	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			if (!d->skipping && d->len) {
				handle_event(d, d->line, d->len);
				d->garbled = 0;
			}
			d->len = 0;
			d->skipping = 0;
			continue;
		}
		/*
		 * A line past MAX_SKIP is no event stream at all (a broken or
		 * hostile socket): reading it on would spend the loop on garbage.
		 */
		if (d->skipping && ++d->skipped > MAX_SKIP) {
			if (!d->garbled)
				log_warnx("Docker's event stream: a line longer than %u bytes; "
				    "dropped, asked again with back-off", MAX_SKIP);
			d->garbled = 1;
			return -1;
		}
		if (d->skipping)
			continue;
		if (d->len == MAX_EVENT) {
			log_warnx("Docker event longer than %u bytes dropped", MAX_EVENT);
			counter_add(CNT_ERR_DOCKER, 1);
			d->skipping = 1;
			d->skipped = 0;
			d->len = 0;
			continue;
		}
		d->line[d->len++] = data[i];
	}
	return 0;
}

static void
set_down(struct docker *d, const char *why)
{
	d->up = 0;
	counter_add(CNT_ERR_DOCKER, 1);
	if (!d->lost_logged)
		log_warnx("%s API at %s %s: %s; limits stay enforced by cgroup%s%s%s; retrying",
		    d->what, d->sock, d->ever_up ? "lost" : "unreachable", why,
		    *d->data_root ? ", images from " : "", d->data_root,
		    *d->data_root ? "/containers" : "");
	d->lost_logged = 1;
	connect_later(d);
}

static void
events_done(int status, const char *body, size_t len, const char *err, void *arg)
{
	struct docker *d = arg;
	char why[256];

	(void)body, (void)len;
	d->events = NULL;
	if (err)
		snprintf(why, sizeof(why), "%s", err);
	else
		snprintf(why, sizeof(why), "event stream ended (HTTP %d)", status);
	set_down(d, why);
}

static void
ping_done(int status, const char *body, size_t len, const char *err, void *arg)
{
	struct docker *d = arg;
	struct httpc_opts o = { .unix_socket = d->sock, .stream = events_data };
	char why[256];

	(void)body, (void)len;
	d->ping = NULL;
	if (status != 200) {
		if (err)
			snprintf(why, sizeof(why), "%s", err);
		else
			snprintf(why, sizeof(why), "/_ping answered HTTP %d", status);
		set_down(d, why);
		return;
	}
	d->len = 0;
	d->skipping = 0;
	d->events = httpc_request(d->h, EVENTS_URL, &o, events_done, d);
	d->up = 1;
	/* A stream dropped for garbage is back only once an event parses. */
	if (!d->garbled) {
		d->backoff_ms = BACKOFF_MIN_MS;
		log_info("%s API at %s %s", d->what, d->sock, d->ever_up || d->lost_logged ?
		    "is back: asking again about every container" : "connected");
		d->lost_logged = 0;
	}
	d->ever_up = 1;
	/* Reconcile what was missed while it was away. */
	for (size_t i = 0; i < d->t->n; i++) {
		struct container *c = d->t->c[i];

		if (c->meta == META_DISK || c->meta == META_NONE) {
			c->meta = META_NONE;
			docker_lookup(d, c);
		}
	}
}

static void
try_connect(evutil_socket_t fd, short what, void *arg)
{
	struct docker *d = arg;
	struct httpc_opts o = { .unix_socket = d->sock, .max_body = 4096, .timeout_ms = 3000 };

	(void)fd, (void)what;
	if (d->ping || d->events)
		return;
	d->ping = httpc_request(d->h, "http://docker/_ping", &o, ping_done, d);
}

static void
connect_later(struct docker *d)
{
	struct timeval tv = { d->backoff_ms / 1000, (d->backoff_ms % 1000) * 1000 };

	evtimer_add(d->retry, &tv);
	d->backoff_ms *= 2;
	if (d->backoff_ms > BACKOFF_MAX_MS)
		d->backoff_ms = BACKOFF_MAX_MS;
}

struct docker *
docker_new(struct event_base *base, struct httpc *h, enum runtime rt, const char *sock,
    const char *data_root, struct ctable *t, docker_meta_cb meta_cb,
    docker_event_cb event_cb, void *arg)
{
	struct docker *d = xcalloc(1, sizeof(*d));

	d->rt = rt;
	d->what = rt == RT_PODMAN ? "Podman" : "Docker";
	d->h = h;
	d->sock = xstrdup(sock);
	d->data_root = xstrdup(data_root);
	d->t = t;
	d->meta_cb = meta_cb;
	d->event_cb = event_cb;
	d->arg = arg;
	d->backoff_ms = BACKOFF_MIN_MS;
	d->line = xmalloc(MAX_EVENT);
	d->retry = evtimer_new(base, try_connect, d);
	try_connect(-1, 0, d);
	return d;
}

/* cb gets every inspect reply that was taken, after the meta callback. */
void
docker_on_inspect(struct docker *d, docker_inspect_cb cb, void *arg)
{
	if (d == NULL)
		return;
	d->inspect_cb = cb;
	d->inspect_arg = arg;
}

void
docker_free(struct docker *d)
{
	if (d == NULL)
		return;
	if (d->events)
		httpc_cancel(d->h, d->events);
	if (d->ping)
		httpc_cancel(d->h, d->ping);
	event_free(d->retry);
	free(d->line);
	free(d->sock);
	free(d->data_root);
	free(d);
}
