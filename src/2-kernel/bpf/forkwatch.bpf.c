/*
 * Fork bursts, counted in the kernel: on every successful fork of the
 * host (the sched_process_fork tracepoint, attached raw: by bpf() alone,
 * no perf_event_open), the forking task's cgroup
 * (its cgroup2 id) gets one more in a 100 ms window; at BURST forks in a
 * window it is told to cgwardend through a ring buffer, at most once per
 * QUIET_NS per cgroup.  A fork bomb forks hundreds of times in its first
 * milliseconds, before its first fork is refused: told then, cgwardend
 * samples it at once and fast, whatever its age and whatever the pids
 * controller's hierarchy (v1 pids.events raises no event).  Compiled by
 * clang for the BPF target; loaded by forkwatch.c.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define WINDOW_NS (100ULL * 1000000)
#define QUIET_NS (50ULL * 1000000)
#define BURST 8

struct burst {
	__u64 start; /* the window's start */
	__u64 told;  /* when last told */
	__u32 n;     /* forks in the window */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct burst);
} bursts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024); /* 1,024 records of 16 bytes */
} told SEC(".maps");

SEC("raw_tp/sched_process_fork")
int cgw_fork(void *ctx)
{
	__u64 cg = bpf_get_current_cgroup_id(), now = bpf_ktime_get_ns();
	struct burst *b;

	(void)ctx;
	if (cg <= 1) /* the root cgroup: never a container */
		return 0;
	b = bpf_map_lookup_elem(&bursts, &cg);
	if (b == NULL) {
		struct burst first = { .start = now, .n = 1 };

		bpf_map_update_elem(&bursts, &cg, &first, BPF_ANY);
		return 0;
	}
	if (now - b->start > WINDOW_NS) {
		b->start = now;
		b->n = 0;
	}
	if (++b->n < BURST || now - b->told < QUIET_NS)
		return 0;
	b->told = now;
	bpf_ringbuf_output(&told, &cg, sizeof(cg), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
