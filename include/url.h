/*
 * http:// URLs, split in one place for the HTTP client, the Alertmanager
 * target and the check of alert_webhook in the configuration.
 */
#ifndef CGW_URL_H
#define CGW_URL_H
#include <stddef.h>

struct url {
	char host[256];
	int port;          /* 80 when the URL names none */
	const char *path;  /* in the string parsed: all after the host, "" when nothing */
	size_t pathlen;    /* url_parse_base: the part of path before the endpoint */
};

/*
 * Splits http://host[:port][/path]: a host name or IPv4 address, no
 * user:password@, a port from 1 to 65535.  0, or -1 with the reason in
 * err (which may be NULL with errlen 0).
 */
int url_parse(const char *url, struct url *, char *err, size_t errlen);
/*
 * Splits a base URL, below which a service answers at endpoint: no
 * query, fragment or blanks; path[0..pathlen) is the base's path without
 * trailing slashes, and without the endpoint when the whole of it was
 * given.  endpoint may be NULL.  0, or -1 with the reason in err.
 */
int url_parse_base(const char *url, const char *endpoint, struct url *, char *err,
    size_t errlen);

#endif
