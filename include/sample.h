/* Sampling: the few small kernel files read per container per tick. */
#ifndef CGW_SAMPLE_H
#define CGW_SAMPLE_H
#include <stdint.h>

#include "container.h"

#define SAMPLE_NONE UINT32_MAX /* in a ring sample: could not be read */
#define USAGE_NONE UINT64_MAX  /* mem, cpu_ns: could not be read */

void sample_container(struct container *, uint64_t now_ms);

#endif
