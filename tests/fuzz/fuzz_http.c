/*
 * The HTTP/1.1 client's reply parser, fed as a socket would: the reply
 * in pieces of random sizes, then the end of the connection.  Input:
 * 4 bytes of seed for the splits, 1 byte of mode (streamed or buffered,
 * the cap), then the reply.  The client's file is included whole to
 * reach its parser; nothing of it opens a socket here.
 */
#include "../../src/3-peers/httpc.c"

#include "fuzz.h"

struct outcome {
	int done, streamed, abort_after;
	size_t max;
};

static void
done_cb(int status, const char *body, size_t len, const char *err, void *arg)
{
	struct outcome *o = arg;

	if (o->done++)
		__builtin_trap(); /* exactly once */
	/* "status 0 and err set when no reply came"; else a status a reply can have. */
	if (body == NULL || (err != NULL && status != 0) ||
	    (err == NULL && (status < 100 || status > 599)))
		__builtin_trap();
	if (err == NULL && !o->streamed && (len > o->max || body[len] != '\0'))
		__builtin_trap();
}

static int
stream_cb(const char *data, size_t len, void *arg)
{
	struct outcome *o = arg;

	(void)data;
	o->streamed += len > 0;
	return o->abort_after > 0 && o->streamed >= o->abort_after;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httpc h = { 0 };
	struct httpc_req *r;
	struct outcome o = { 0 };
	struct evbuffer *in;
	uint32_t seed;
	size_t off;

	if (size < 5)
		return 0;
	seed = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
	    (uint32_t)data[3] << 24;
	o.max = (size_t)1 << (data[4] >> 3 & 15); /* 1 byte to 32 KiB */
	o.abort_after = data[4] & 2 ? 1 + (data[4] >> 2 & 3) : 0;
	r = xcalloc(1, sizeof(*r));
	r->h = &h;
	r->done = done_cb;
	r->stream = data[4] & 1 ? stream_cb : NULL;
	r->arg = &o;
	r->max = o.max;
	r->clen = -1;
	h.reqs = r;
	in = evbuffer_new();
	for (off = 5; off < size && !o.done;) {
		size_t n;

		seed = seed * 1103515245u + 12345u;
		n = 1 + (seed >> 16) % (seed & 1 ? 7 : 4096);
		if (n > size - off)
			n = size - off;
		evbuffer_add(in, data + off, n);
		off += n;
		parse(r, in);
	}
	if (!o.done)
		ended(r, in, BEV_EVENT_EOF | BEV_EVENT_READING);
	if (!o.done || h.reqs != NULL)
		__builtin_trap(); /* every request ends, and is gone */
	evbuffer_free(in);
	return 0;
}
