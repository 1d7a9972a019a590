/*
 * Image matching (pure): a rule pattern is an fnmatch glob over the image
 * reference a container was created from.  Short Docker Hub names equal
 * their long forms, and a pattern with no tag or digest matches them all.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "image.h"

/*
 * Splits ref into its canonical repository name (docker.io/library/nginx)
 * and its tag or digest suffix (":1.25", "@sha256:…", or "").  Returns 0,
 * or -1 when a buffer is too small.
 */
static int
image_normalize(const char *ref, char *name, size_t namelen, char *suffix,
    size_t suffixlen)
{
	const char *at, *slash, *colon, *end, *first;
	size_t len, flen;
	int n;

	at = strchr(ref, '@');
	end = at ? at : ref + strlen(ref);
	slash = memrchr(ref, '/', (size_t)(end - ref));
	colon = memrchr(slash ? slash : ref, ':', (size_t)(end - (slash ? slash : ref)));
	if (colon != NULL)
		end = colon;
	len = (size_t)(end - ref);
	if (snprintf(suffix, suffixlen, "%s", ref + len) >= (int)suffixlen)
		return -1;

	/* A first component with a dot, a port or "localhost" is a registry. */
	first = memchr(ref, '/', len);
	flen = first ? (size_t)(first - ref) : 0;
	if (first != NULL && ((memchr(ref, '.', flen) || memchr(ref, ':', flen) ||
	    (flen == 9 && strncmp(ref, "localhost", 9) == 0)))) {
		if (flen == 15 && strncmp(ref, "index.docker.io", 15) == 0)
			n = snprintf(name, namelen, "docker.io%.*s",
			    (int)(len - flen), ref + flen);
		else
			n = snprintf(name, namelen, "%.*s", (int)len, ref);
		if (n >= (int)namelen)
			return -1;
		/* docker.io/nginx is docker.io/library/nginx */
		if (strncmp(name, "docker.io/", 10) == 0 &&
		    strchr(name + 10, '/') == NULL) {
			char tmp[512];

			if (snprintf(tmp, sizeof(tmp), "docker.io/library/%s",
			    name + 10) >= (int)sizeof(tmp) ||
			    snprintf(name, namelen, "%s", tmp) >= (int)namelen)
				return -1;
		}
		return 0;
	}
	if (first == NULL)
		n = snprintf(name, namelen, "docker.io/library/%.*s", (int)len, ref);
	else
		n = snprintf(name, namelen, "docker.io/%.*s", (int)len, ref);
	return n >= (int)namelen ? -1 : 0;
}

/* Whether the rule pattern matches the image reference. */
int
image_match(const char *pattern, const char *ref)
{
	char pname[512], psuf[512], rname[512], rsuf[512], pfull[1024], rfull[1024];

	if (pattern == NULL || ref == NULL || *ref == '\0')
		return 0;
	if (fnmatch(pattern, ref, 0) == 0)
		return 1;
	if (image_normalize(pattern, pname, sizeof(pname), psuf, sizeof(psuf)) ||
	    image_normalize(ref, rname, sizeof(rname), rsuf, sizeof(rsuf)))
		return 0;
	if (*psuf == '\0')
		return fnmatch(pname, rname, 0) == 0;
	snprintf(pfull, sizeof(pfull), "%s%s", pname, psuf);
	snprintf(rfull, sizeof(rfull), "%s%s", rname, rsuf);
	return fnmatch(pfull, rfull, 0) == 0;
}
