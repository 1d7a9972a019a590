/*
 * HTTP/1.1 client on libevent bufferevents, for the Docker Engine API (over
 * AF_UNIX) and Alertmanager (TCP): one request per connection, replies
 * with Content-Length, chunked or until close, streamed or buffered under
 * a cap, with a timeout.  Hand-written because the libevent of Debian 12
 * (2.1) cannot make HTTP requests over AF_UNIX, and libcurl, the library
 * that can, drags 40 shared libraries (Kerberos, LDAP, SSH, two TLS
 * stacks) into a guard that speaks plain HTTP to two local peers: it
 * tripled the daemon's resident memory and its attack surface.
 */
#include <ctype.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "httpc.h"
#include "log.h"
#include "url.h"
#include "xmalloc.h"

#define MAX_HEADER_LINE 8192
#define MAX_HEADERS (64u << 10)

enum phase { P_STATUS, P_HEADERS, P_BODY, P_CHUNK_SIZE, P_CHUNK_DATA, P_CHUNK_END, P_TRAILER };

struct httpc {
	struct event_base *base;
	struct httpc_req *reqs;
};

struct httpc_req {
	struct httpc *h;
	struct bufferevent *bev;
	enum phase phase;
	int status;
	int chunked;
	long long clen;     /* -1: until close */
	long long left;     /* of the body or of the chunk */
	size_t header_bytes;
	char *body;
	size_t len, cap, max;
	httpc_done_cb done;
	httpc_data_cb stream;
	void *arg;
	struct event *failed;  /* reports a request that could not start */
	char why[128];
	struct httpc_req *next;
};

struct httpc *
httpc_new(struct event_base *base)
{
	struct httpc *h = xcalloc(1, sizeof(*h));

	h->base = base;
	return h;
}

static void
req_free(struct httpc_req *r)
{
	struct httpc_req **pp;

	for (pp = &r->h->reqs; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	if (r->bev)
		bufferevent_free(r->bev);
	if (r->failed)
		event_free(r->failed);
	free(r->body);
	free(r);
}

void
httpc_free(struct httpc *h)
{
	if (h == NULL)
		return;
	while (h->reqs)
		req_free(h->reqs);
	free(h);
}

/* Ends a request: its callback once, then it is gone. */
static void
finish(struct httpc_req *r, const char *err)
{
	httpc_done_cb done = r->done;
	void *arg = r->arg;
	int status = err ? 0 : r->status;
	char *body = r->body, why[256];
	size_t len = r->len;

	/* err may live in r (r->why): copied before r goes. */
	if (err)
		snprintf(why, sizeof(why), "%s", err);
	r->body = NULL;
	req_free(r);
	if (done)
		done(status, body ? body : "", len, err ? why : NULL, arg);
	free(body);
}

/* Takes n body bytes: streamed, or kept under the cap.  0, or -1 when it ended the request. */
static int
take(struct httpc_req *r, const char *data, size_t n)
{
	if (r->stream) {
		if (r->stream(data, n, r->arg) != 0) {
			finish(r, "aborted by the reader");
			return -1;
		}
		return 0;
	}
	if (r->len + n > r->max) {
		finish(r, HTTPC_TOO_LARGE);
		return -1;
	}
	if (r->len + n + 1 > r->cap) {
		r->cap = (r->len + n + 1) * 2;
		if (r->cap > r->max + 1)
			r->cap = r->max + 1;
		r->body = xreallocarray(r->body, r->cap, 1);
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return 0;
}

/* Reads one CRLF line, bounded.  1 with *line, 0 when incomplete, -1 ended. */
static int
line_of(struct httpc_req *r, struct evbuffer *in, char **line)
{
	size_t n;

	*line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF);
	if (*line == NULL) {
		if (evbuffer_get_length(in) > MAX_HEADER_LINE) {
			finish(r, "header line too long");
			return -1;
		}
		return 0;
	}
	r->header_bytes += n + 2;
	if (r->header_bytes > MAX_HEADERS) {
		free(*line);
		finish(r, "headers too large");
		return -1;
	}
	return 1;
}

static void
header(struct httpc_req *r, const char *l)
{
	if (strncasecmp(l, "Content-Length:", 15) == 0)
		r->clen = strtoll(l + 15, NULL, 10);
	else if (strncasecmp(l, "Transfer-Encoding:", 18) == 0 && strcasestr(l + 18, "chunked"))
		r->chunked = 1;
}

/*
 * The status of a status line, "HTTP/1.x NNN reason": three digits from
 * 100 to 599, or -1.  A status of 0 means "no reply" to the callers, and
 * sscanf's %d took "HTTP/1.1 0", "20-" and "-5".
 */
static int
status_of(const char *l)
{
	if (strncmp(l, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)l[7]) || l[8] != ' ' ||
	    l[9] < '1' || l[9] > '5' || !isdigit((unsigned char)l[10]) ||
	    !isdigit((unsigned char)l[11]) || (l[12] != ' ' && l[12] != '\0'))
		return -1;
	return (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
}

/* Parses what has arrived in in.  Returns -1 once the request has ended. */
static int
parse(struct httpc_req *r, struct evbuffer *in)
{
	char *l, buf[16384];
	int rc;

	for (;;) {
		switch (r->phase) {
		case P_STATUS:
			if ((rc = line_of(r, in, &l)) <= 0)
				return rc;
			if ((r->status = status_of(l)) < 0) {
				free(l);
				finish(r, "not an HTTP reply");
				return -1;
			}
			free(l);
			r->phase = P_HEADERS;
			break;
		case P_HEADERS:
			if ((rc = line_of(r, in, &l)) <= 0)
				return rc;
			if (*l != '\0') {
				header(r, l);
				free(l);
				break;
			}
			free(l);
			if (r->chunked)
				r->phase = P_CHUNK_SIZE;
			else {
				r->phase = P_BODY;
				r->left = r->clen;
				if (r->clen == 0) {
					finish(r, NULL);
					return -1;
				}
			}
			break;
		case P_BODY:
		case P_CHUNK_DATA: {
			size_t avail = evbuffer_get_length(in), n;

			if (avail == 0)
				return 0;
			n = avail < sizeof(buf) ? avail : sizeof(buf);
			if (r->left >= 0 && (long long)n > r->left)
				n = (size_t)r->left;
			evbuffer_remove(in, buf, n);
			if (take(r, buf, n) < 0)
				return -1;
			if (r->left >= 0)
				r->left -= (long long)n;
			if (r->left == 0) {
				if (r->phase == P_BODY) {
					finish(r, NULL);
					return -1;
				}
				r->phase = P_CHUNK_END;
			}
			break;
		}
		case P_CHUNK_SIZE:
			if ((rc = line_of(r, in, &l)) <= 0)
				return rc;
			if (!isxdigit((unsigned char)*l)) {
				free(l);
				finish(r, "bad chunk size");
				return -1;
			}
			r->left = strtoll(l, NULL, 16);
			free(l);
			r->phase = r->left == 0 ? P_TRAILER : P_CHUNK_DATA;
			break;
		case P_CHUNK_END:
			if ((rc = line_of(r, in, &l)) <= 0)
				return rc;
			free(l);
			r->phase = P_CHUNK_SIZE;
			break;
		case P_TRAILER:
			if ((rc = line_of(r, in, &l)) <= 0)
				return rc;
			rc = *l == '\0';
			free(l);
			if (rc) {
				finish(r, NULL);
				return -1;
			}
			break;
		}
	}
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	parse(arg, bufferevent_get_input(bev));
}

/* The connection ended (what: BEV_EVENT_*): the request ends with it. */
static void
ended(struct httpc_req *r, struct evbuffer *in, short what)
{
	char err[256];

	if (parse(r, in) < 0)
		return;
	if ((what & BEV_EVENT_EOF) && r->phase == P_BODY && r->clen < 0) {
		finish(r, NULL); /* the body ran until close */
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		snprintf(err, sizeof(err), "no reply within the timeout");
	else if (what & BEV_EVENT_EOF)
		snprintf(err, sizeof(err), r->phase == P_STATUS ? "connection closed without "
		    "a reply" : "connection closed in the middle of the reply");
	else
		snprintf(err, sizeof(err), "%s",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	finish(r, err);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	if (!(what & BEV_EVENT_CONNECTED))
		ended(arg, bufferevent_get_input(bev), what);
}

static void
failed_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpc_req *r = arg;

	(void)fd, (void)what;
	finish(r, r->why);
}

/* Starts a request; its callback runs later, from the loop, exactly once. */
struct httpc_req *
httpc_request(struct httpc *h, const char *url, const struct httpc_opts *o,
    httpc_done_cb done, void *arg)
{
	struct httpc_req *r = xcalloc(1, sizeof(*r));
	struct sockaddr_un sun;
	struct url u;
	int rc;
	struct timeval tv = { o->timeout_ms / 1000, (o->timeout_ms % 1000) * 1000 };

	r->h = h;
	r->done = done;
	r->stream = o->stream;
	r->arg = arg;
	r->max = o->max_body ? o->max_body : 1 << 20;
	r->clen = -1;
	r->next = h->reqs;
	h->reqs = r;
	r->bev = bufferevent_socket_new(h->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (r->bev == NULL || url_parse(url, &u, NULL, 0) < 0)
		goto fail;
	bufferevent_setcb(r->bev, read_cb, NULL, event_cb, r);
	if (o->timeout_ms > 0)
		bufferevent_set_timeouts(r->bev, &tv, &tv);
	evbuffer_add_printf(bufferevent_get_output(r->bev),
	    "%s %s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: cgwarden\r\n"
	    "Accept: application/json\r\nConnection: close\r\n",
	    o->method ? o->method : "GET", *u.path == '/' ? "" : "/", u.path,
	    o->unix_socket ? "docker" : u.host);
	if (o->body)
		evbuffer_add_printf(bufferevent_get_output(r->bev),
		    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
		    strlen(o->body), o->body);
	else if (o->method && strcmp(o->method, "POST") == 0)
		evbuffer_add_printf(bufferevent_get_output(r->bev), "Content-Length: 0\r\n\r\n");
	else
		evbuffer_add_printf(bufferevent_get_output(r->bev), "\r\n");
	bufferevent_enable(r->bev, EV_READ | EV_WRITE);
	if (o->unix_socket) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", o->unix_socket) >=
		    (int)sizeof(sun.sun_path))
			goto fail;
		rc = bufferevent_socket_connect(r->bev, (struct sockaddr *)&sun, sizeof(sun));
	} else
		rc = bufferevent_socket_connect_hostname(r->bev, NULL, AF_UNSPEC, u.host, u.port);
	if (rc < 0)
		goto fail;
	return r;
fail:
	/* Reported from the loop, like every other outcome. */
	snprintf(r->why, sizeof(r->why), "cannot connect: %s", strerror(errno));
	if (r->bev)
		bufferevent_free(r->bev);
	r->bev = NULL;
	r->failed = evtimer_new(h->base, failed_cb, r);
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	evtimer_add(r->failed, &tv);
	return r;
}

/* Abandons a request: its callback is not called. */
void
httpc_cancel(struct httpc *h, struct httpc_req *r)
{
	for (struct httpc_req *p = h->reqs; p; p = p->next)
		if (p == r) {
			req_free(r);
			return;
		}
}
