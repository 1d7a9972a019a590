/*
 * Events as structured journal entries: one entry per event, its facts as
 * fields (CONTAINER_ID=, ACTION=, ...) beside MESSAGE and MESSAGE_ID, so
 * that `journalctl MESSAGE_ID=...` or `journalctl CONTAINER_NAME=web`
 * finds them and `journalctl -x` adds the catalog's explanation.
 */
#ifndef CGW_JOURNAL_H
#define CGW_JOURNAL_H
#include <stddef.h>

struct gevent;

#define JOURNAL_MAX_FIELDS 32

/* Fills fields[] with malloc'd "KEY=value" strings; returns how many. */
size_t journal_fields(const struct gevent *, char **fields, size_t max);
void journal_fields_free(char **fields, size_t n);
/*
 * Subscribes to the events: while logging goes to the journal (log_init),
 * each one is sent as its entry.  Called first, the entry comes before
 * the other sinks hear of the event.
 */
void journal_init(void);
void journal_free(void);

#endif
