/* An HTTP client inside the event loop (libcurl's multi interface). */
#ifndef CGW_HTTPC_H
#define CGW_HTTPC_H
#include <stddef.h>

struct event_base;
struct httpc;
struct httpc_req;

/* Called once per request: status 0 and err set when no reply came. */
typedef void (*httpc_done_cb)(int status, const char *body, size_t len,
    const char *err, void *arg);
/* Streaming: called with each piece of the body; non-zero aborts. */
typedef int (*httpc_data_cb)(const char *data, size_t len, void *arg);

/* The err of a reply over max_body. */
#define HTTPC_TOO_LARGE "reply larger than the cap"

struct httpc_opts {
	const char *unix_socket; /* NULL: TCP */
	const char *method;      /* NULL: GET */
	const char *body;        /* request body (JSON), or NULL */
	size_t max_body;         /* replies larger than this fail */
	long timeout_ms;         /* 0: none (streams) */
	httpc_data_cb stream;    /* NULL: buffer the body for done */
};

struct httpc *httpc_new(struct event_base *);
void httpc_free(struct httpc *);
struct httpc_req *httpc_request(struct httpc *, const char *url,
    const struct httpc_opts *, httpc_done_cb, void *arg);
void httpc_cancel(struct httpc *, struct httpc_req *);

#endif
