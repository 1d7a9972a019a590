/*
 * HTTP client: libcurl's multi interface driven by the libevent loop, so
 * no request ever blocks it.  libcurl rather than evhttp because the
 * libevent of Debian 12 (2.1) cannot speak HTTP over an AF_UNIX socket,
 * which the Docker Engine API needs, and because curl handles chunked
 * streams (/events), reply-size caps and timeouts for Docker and
 * Alertmanager alike.
 */
#include <curl/curl.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "httpc.h"
#include "log.h"
#include "xmalloc.h"

struct httpc {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;
	struct httpc_req *reqs; /* in flight */
};

struct httpc_req {
	struct httpc *h;
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	size_t len, cap, max;
	int too_large;
	httpc_done_cb done;
	httpc_data_cb stream;
	void *arg;
	char err[CURL_ERROR_SIZE];
	struct httpc_req *next;
};

struct sock {
	struct event *ev;
};

static void check_done(struct httpc *);

static void
sock_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpc *h = arg;
	int running, flags = 0;

	if (what & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(h->multi, fd, flags, &running);
	check_done(h);
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpc *h = arg;
	int running;

	(void)fd, (void)what;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(h);
}

/* libcurl says which sockets to watch for what. */
static int
socket_fn(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct httpc *h = userp;
	struct sock *sk = socketp;
	short ev = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (sk) {
			event_free(sk->ev);
			free(sk);
		}
		curl_multi_assign(h->multi, s, NULL);
		return 0;
	}
	if (what & CURL_POLL_IN)
		ev |= EV_READ;
	if (what & CURL_POLL_OUT)
		ev |= EV_WRITE;
	if (sk == NULL) {
		sk = xcalloc(1, sizeof(*sk));
		curl_multi_assign(h->multi, s, sk);
	} else
		event_free(sk->ev);
	sk->ev = event_new(h->base, s, ev, sock_cb, h);
	event_add(sk->ev, NULL);
	return 0;
}

static int
timer_fn(CURLM *multi, long timeout_ms, void *userp)
{
	struct httpc *h = userp;
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

	(void)multi;
	if (timeout_ms < 0)
		evtimer_del(h->timer);
	else
		evtimer_add(h->timer, &tv);
	return 0;
}

struct httpc *
httpc_new(struct event_base *base)
{
	struct httpc *h = xcalloc(1, sizeof(*h));

	if (curl_global_init(CURL_GLOBAL_NOTHING) != 0 ||
	    (h->multi = curl_multi_init()) == NULL)
		fatalx("libcurl initialisation failed");
	h->base = base;
	h->timer = evtimer_new(base, timer_cb, h);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_fn);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_fn);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	return h;
}

static void
req_free(struct httpc *h, struct httpc_req *r)
{
	struct httpc_req **pp;

	for (pp = &h->reqs; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	curl_multi_remove_handle(h->multi, r->easy);
	curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	free(r->body);
	free(r);
}

void
httpc_free(struct httpc *h)
{
	if (h == NULL)
		return;
	while (h->reqs)
		req_free(h, h->reqs);
	curl_multi_cleanup(h->multi);
	event_free(h->timer);
	free(h);
}

static size_t
write_fn(char *data, size_t size, size_t n, void *arg)
{
	struct httpc_req *r = arg;
	size_t len = size * n;

	if (r->stream)
		return r->stream(data, len, r->arg) == 0 ? len : 0;
	if (r->len + len > r->max) {
		r->too_large = 1;
		return 0;
	}
	if (r->len + len + 1 > r->cap) {
		r->cap = (r->len + len + 1) * 2;
		if (r->cap > r->max + 1)
			r->cap = r->max + 1;
		r->body = xreallocarray(r->body, r->cap, 1);
	}
	memcpy(r->body + r->len, data, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

/* Hands every finished request to its callback, then frees it. */
static void
check_done(struct httpc *h)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		struct httpc_req *r;
		long status = 0;
		const char *err = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
		if (r->too_large)
			err = "reply larger than the cap";
		else if (m->data.result != CURLE_OK)
			err = r->err[0] ? r->err : curl_easy_strerror(m->data.result);
		if (err)
			status = 0;
		if (r->done)
			r->done((int)status, r->body ? r->body : "", r->len, err, r->arg);
		req_free(h, r);
	}
}

/* Starts a request; its callback runs later, from the loop, exactly once. */
struct httpc_req *
httpc_request(struct httpc *h, const char *url, const struct httpc_opts *o,
    httpc_done_cb done, void *arg)
{
	struct httpc_req *r = xcalloc(1, sizeof(*r));
	CURL *e;

	if ((e = r->easy = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	r->h = h;
	r->done = done;
	r->stream = o->stream;
	r->arg = arg;
	r->max = o->max_body ? o->max_body : 1 << 20;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->err);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_fn);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	if (o->timeout_ms > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	if (o->unix_socket)
		curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, o->unix_socket);
	if (o->method)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, o->method);
	if (o->body) {
		r->headers = curl_slist_append(NULL, "Content-Type: application/json");
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
		curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, o->body);
	} else if (o->method && strcmp(o->method, "POST") == 0) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
	}
	r->next = h->reqs;
	h->reqs = r;
	curl_multi_add_handle(h->multi, e);
	return r;
}

/* Abandons a request: its callback is not called. */
void
httpc_cancel(struct httpc *h, struct httpc_req *r)
{
	for (struct httpc_req *p = h->reqs; p; p = p->next)
		if (p == r) {
			req_free(h, r);
			return;
		}
}
