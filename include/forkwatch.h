/* Fork bursts counted in the kernel (BPF), told by the cgroup2 id of the forking cgroup. */
#ifndef CGW_FORKWATCH_H
#define CGW_FORKWATCH_H
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct forkwatch;

/* cgroup (a cgroup2 directory's inode number) forked BURST times within 100 ms. */
typedef void (*forkwatch_cb)(uint64_t cgroup, void *arg);

/* NULL, with the reason, where the kernel or the capabilities do not allow it. */
struct forkwatch *forkwatch_new(struct event_base *, forkwatch_cb, void *arg, char *err,
    size_t errlen);
void forkwatch_free(struct forkwatch *);
/* Bursts told so far. */
uint64_t forkwatch_count(const struct forkwatch *);

#endif
