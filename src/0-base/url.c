/*
 * http:// URLs.  Plain http only: cgwardend speaks it to Docker over
 * AF_UNIX, and to an Alertmanager on loopback or behind a TLS proxy.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "url.h"

#define BASE_PATH_MAX 512 /* a base URL's path is shorter */

int
url_parse(const char *url, struct url *u, char *err, size_t errlen)
{
	const char *p, *end, *colon;
	size_t hlen;
	long port = 80;
	char *e;

	memset(u, 0, sizeof(*u));
	if (strncasecmp(url, "https://", 8) == 0) {
		snprintf(err, errlen, "https is not supported: cgwardend speaks plain "
		    "http:// to Alertmanager (run it on loopback, or put a TLS proxy there)");
		return -1;
	}
	if (strncasecmp(url, "http://", 7) != 0) {
		snprintf(err, errlen, "'%s' is not an http:// URL", url);
		return -1;
	}
	p = url + 7;
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)) != NULL) {
		snprintf(err, errlen, "user:password@ in the URL is not supported");
		return -1;
	}
	if (*p == '[') {
		snprintf(err, errlen, "IPv6 literals are not supported; use a host name");
		return -1;
	}
	colon = memchr(p, ':', (size_t)(end - p));
	hlen = (size_t)((colon ? colon : end) - p);
	if (hlen == 0 || hlen >= sizeof(u->host)) {
		snprintf(err, errlen, "'%s': no host, or a host name too long", url);
		return -1;
	}
	for (size_t i = 0; i < hlen; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '.' && p[i] != '-' && p[i] != '_') {
			snprintf(err, errlen, "'%s': bad character in the host", url);
			return -1;
		}
	memcpy(u->host, p, hlen);
	if (colon != NULL) {
		port = strtol(colon + 1, &e, 10);
		if (e == colon + 1 || e != end || port < 1 || port > 65535) {
			snprintf(err, errlen, "'%s': the port is not a number from 1 to 65535", url);
			return -1;
		}
	}
	u->port = (int)port;
	u->path = end;
	u->pathlen = strlen(end);
	return 0;
}

int
url_parse_base(const char *url, const char *endpoint, struct url *u, char *err,
    size_t errlen)
{
	size_t elen = endpoint != NULL ? strlen(endpoint) : 0;

	if (url_parse(url, u, err, errlen) < 0)
		return -1;
	if (strpbrk(u->path, "?# \t\r\n") != NULL) {
		snprintf(err, errlen, "'%s': a base URL has no query, fragment or blanks", url);
		return -1;
	}
	while (u->pathlen > 0 && u->path[u->pathlen - 1] == '/')
		u->pathlen--;
	/* The whole endpoint given instead of the base: take it. */
	if (elen > 0 && u->pathlen >= elen &&
	    strncmp(u->path + u->pathlen - elen, endpoint, elen) == 0)
		u->pathlen -= elen;
	if (u->pathlen >= BASE_PATH_MAX) {
		snprintf(err, errlen, "'%s': path too long", url);
		return -1;
	}
	return 0;
}
