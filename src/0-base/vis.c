/*
 * Text from outside made safe to show, after OpenBSD's vis(3) with
 * VIS_CSTYLE | VIS_OCTAL: a backslash is doubled; newline, carriage
 * return, tab and the other C escapes become \n \r \t \a \b \f \v; every
 * other control byte, DEL, a C1 control and a byte that is not part of
 * valid UTF-8 become \ooo.  Valid UTF-8 passes unchanged, so names in any
 * script stay readable, and the result is always valid UTF-8 with no
 * control byte: it cannot end a line, move a terminal's cursor or ring
 * its bell.  unvis(1) reads it back.  No allocation: the CLI links this
 * file alone.
 */
#include <string.h>

#include "vis.h"

/* The length of the valid UTF-8 sequence of a non-ASCII character at s, or 0; its code point. */
static size_t
utf8_seq(const unsigned char *s, size_t n, unsigned *cpp)
{
	unsigned c = s[0], cp;
	size_t len;

	if (c < 0xc2 || c > 0xf4)
		return 0; /* a continuation byte, an overlong lead, or beyond U+10FFFF */
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	cp = c & (0x7fu >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0; /* overlong, or a surrogate */
	*cpp = cp;
	return len;
}

/* The length of the valid UTF-8 sequence of a printable character at s, or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned cp;
	size_t len = utf8_seq(s, n, &cp);

	if (len > 0 && cp < 0xa0)
		return 0; /* a C1 control: CSI (U+009B) works like ESC [ on some terminals */
	return len;
}

/* The escape of the byte c, into e (at least 5 bytes); its length, or 0 for none. */
static size_t
escape(unsigned char c, char e[5])
{
	static const char cstyle[] = "\nn\rr\tt\aa\bb\ff\vv\\\\";
	const char *p;

	if (c >= 0x20 && c < 0x7f && c != '\\')
		return 0;
	if (c != '\0' && (p = strchr(cstyle, c)) != NULL && (p - cstyle) % 2 == 0) {
		e[0] = '\\';
		e[1] = p[1];
		e[2] = '\0';
		return 2;
	}
	e[0] = '\\';
	e[1] = (char)('0' + (c >> 6));
	e[2] = (char)('0' + ((c >> 3) & 7));
	e[3] = (char)('0' + (c & 7));
	e[4] = '\0';
	return 4;
}

size_t
vis_mem(char *dst, size_t len, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0, full = 0, i = 0;
	int room = len > 0;

	while (i < n) {
		char e[5];
		const char *piece;
		size_t plen, u = s[i] >= 0x80 ? utf8_len(s + i, n - i) : 0;

		if (u > 0) {
			piece = src + i;
			plen = u;
		} else if ((plen = escape(s[i], e)) > 0) {
			piece = e;
			u = 1;
		} else {
			piece = src + i;
			plen = u = 1;
		}
		/* Never half an escape or half a character: stop at the first that does not fit. */
		if (room && out + plen < len) {
			memcpy(dst + out, piece, plen);
			out += plen;
		} else
			room = 0;
		full += plen;
		i += u;
	}
	if (len > 0)
		dst[out] = '\0';
	return full;
}

size_t
vis_str(char *dst, size_t len, const char *src)
{
	return vis_mem(dst, len, src, strlen(src));
}

int
vis_needed(const char *src)
{
	char e[5];

	for (const unsigned char *s = (const unsigned char *)src; *s; s++) {
		size_t u;

		if (*s < 0x80) {
			if (escape(*s, e) > 0)
				return 1;
		} else if ((u = utf8_len(s, strnlen((const char *)s, 4))) == 0)
			return 1;
		else
			s += u - 1;
	}
	return 0;
}

int
utf8_valid(const char *src)
{
	size_t n = strlen(src);
	unsigned cp;

	for (size_t i = 0, u; i < n; i += u)
		if ((u = (unsigned char)src[i] < 0x80 ? 1 :
		    utf8_seq((const unsigned char *)src + i, n - i, &cp)) == 0)
			return 0;
	return 1;
}

size_t
utf8_clean(char *dst, size_t len, const char *src)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	size_t n = strlen(src), out = 0, full = 0;
	int room = len > 0;
	unsigned cp;

	for (size_t i = 0, u; i < n; i += u) {
		const char *piece = src + i;
		size_t plen;

		u = (unsigned char)src[i] < 0x80 ? 1 :
		    utf8_seq((const unsigned char *)src + i, n - i, &cp);
		plen = u;
		if (u == 0) {
			piece = replacement;
			plen = 3;
			u = 1;
		}
		if (room && out + plen < len) {
			memcpy(dst + out, piece, plen);
			out += plen;
		} else
			room = 0;
		full += plen;
	}
	if (len > 0)
		dst[out] = '\0';
	return full;
}
