/*
 * Fork bursts, counted in the kernel: loads bpf/forkwatch.bpf.c (built
 * into the daemon), attaches it to the sched_process_fork tracepoint and
 * reads its ring buffer on the loop.  One event per burst of forks of a
 * cgroup, whatever the cgroup version of its pids controller; nothing
 * per quiet container.  Needs the bpf() system call with CAP_BPF and
 * CAP_PERFMON (or CAP_SYS_ADMIN); where it is refused, the daemon says
 * so and samples as it would without it.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkwatch.h"
#include "log.h"
#include "xmalloc.h"

/* The compiled BPF object, linked in as data (see the Makefile). */
extern const char _binary_forkwatch_bpf_o_start[], _binary_forkwatch_bpf_o_end[];

struct forkwatch {
	struct bpf_object *obj;
	struct bpf_link *link;
	struct ring_buffer *rb;
	struct event *ev;
	forkwatch_cb cb;
	void *arg;
	uint64_t told;
};

static int quiet(enum libbpf_print_level, const char *, va_list)
	__attribute__((format(printf, 2, 0)));

/* libbpf's own words go to the debug log, not to stderr. */
static int
quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[512];

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_debug("libbpf: %s", line);
	return 0;
}

static int
on_told(void *ctx, void *data, size_t len)
{
	struct forkwatch *fw = ctx;
	uint64_t cg;

	if (len < sizeof(cg))
		return 0;
	memcpy(&cg, data, sizeof(cg));
	fw->told++;
	fw->cb(cg, fw->arg);
	return 0;
}

static void
readable(evutil_socket_t fd, short what, void *arg)
{
	struct forkwatch *fw = arg;

	(void)fd, (void)what;
	ring_buffer__consume(fw->rb);
}

struct forkwatch *
forkwatch_new(struct event_base *base, forkwatch_cb cb, void *arg, char *err, size_t errlen)
{
	struct forkwatch *fw = xcalloc(1, sizeof(*fw));
	struct bpf_program *prog;
	struct bpf_map *map;
	const char *step = "open";

	libbpf_set_print(quiet);
	fw->cb = cb;
	fw->arg = arg;
	errno = 0;
	fw->obj = bpf_object__open_mem(_binary_forkwatch_bpf_o_start,
	    (size_t)(_binary_forkwatch_bpf_o_end - _binary_forkwatch_bpf_o_start), NULL);
	if (fw->obj == NULL)
		goto fail;
	step = "load (needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)";
	if (bpf_object__load(fw->obj) != 0)
		goto fail;
	step = "attach to sched_process_fork";
	if ((prog = bpf_object__find_program_by_name(fw->obj, "cgw_fork")) == NULL ||
	    (fw->link = bpf_program__attach(prog)) == NULL)
		goto fail;
	step = "ring buffer";
	if ((map = bpf_object__find_map_by_name(fw->obj, "told")) == NULL ||
	    (fw->rb = ring_buffer__new(bpf_map__fd(map), on_told, fw, NULL)) == NULL)
		goto fail;
	fw->ev = event_new(base, ring_buffer__epoll_fd(fw->rb), EV_READ | EV_PERSIST, readable, fw);
	event_add(fw->ev, NULL);
	return fw;
fail:
	snprintf(err, errlen, "BPF %s: %s", step, errno ? strerror(errno) : "failed");
	forkwatch_free(fw);
	return NULL;
}

void
forkwatch_free(struct forkwatch *fw)
{
	if (fw == NULL)
		return;
	if (fw->ev)
		event_free(fw->ev);
	ring_buffer__free(fw->rb);
	bpf_link__destroy(fw->link);
	bpf_object__close(fw->obj);
	free(fw);
}

uint64_t
forkwatch_count(const struct forkwatch *fw)
{
	return fw ? fw->told : 0;
}
