/* `cgwardenctl events`: control clients that receive every event as a JSON line. */
#ifndef CGW_EVSTREAM_H
#define CGW_EVSTREAM_H
#include <stddef.h>

struct ctl_client;

/* Keeps the client: from now on each event is written to it as one line. */
void evstream_add(struct ctl_client *);
/* How many clients are listening. */
size_t evstream_count(void);

#endif
