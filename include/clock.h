/* The two clocks: monotonic for intervals, wall for what is told. */
#ifndef CGW_CLOCK_H
#define CGW_CLOCK_H
#include <stdint.h>
#include <time.h>

/* Monotonic ms: every interval, deadline and sample time. */
uint64_t clock_now_ms(void);
/* Wall-clock ms since the epoch: for what is told (events, notes), never for intervals. */
uint64_t clock_wall_ms(void);
uint64_t clock_ms_of(const struct timespec *);

#endif
