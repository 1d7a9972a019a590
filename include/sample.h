/*
 * Sampling: the few small kernel files read per container, into its ring.
 * The one writer of the ring, and the keeper of each container's rate:
 * every interval, or fast (every SAMPLE_FAST_MS) while someone asks.
 */
#ifndef CGW_SAMPLE_H
#define CGW_SAMPLE_H
#include <stddef.h>
#include <stdint.h>

#include "container.h"

#define SAMPLE_NONE UINT32_MAX /* in a ring sample: could not be read */
#define USAGE_NONE UINT64_MAX  /* mem, cpu_ns: could not be read */
#define SAMPLE_FAST_MS 10      /* the fast rate's period */

/* The fast set went from empty to not empty: its timer should run. */
typedef void (*sample_fast_cb)(void *arg);

void sample_init(sample_fast_cb, void *arg);
void sample_free(void);
/* Takes one sample of the container into its ring. */
void sample_container(struct container *, uint64_t now_ms);
/* Forgets the ring: the next sample is the first. */
void sample_reset(struct container *);
/* The ring starts at zero processes and zero refused forks, age_ms before now. */
void sample_seed(struct container *, uint64_t now_ms, uint64_t age_ms);
/* Samples the container fast until until_ms (later asks extend it). */
void sample_fast(struct container *, uint64_t until_ms);
int sample_is_fast(const struct container *);
/* The fast set, by index, and the dropping of those no one asks for any more. */
size_t sample_fast_count(void);
struct container *sample_fast_at(size_t);
void sample_fast_expire(uint64_t now_ms);
/* Before the container is removed. */
void sample_forget(struct container *);

#endif
