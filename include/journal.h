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
/* Sends the entry to journald: 0 or -errno. */
int journal_send(const struct gevent *);

#endif
