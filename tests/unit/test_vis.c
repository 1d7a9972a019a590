/* Escaping of text from outside: what passes, what is escaped, and cutting. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "unit.h"
#include "vis.h"
#include "xmalloc.h"

static const char *
v(const char *s)
{
	static char buf[256];

	vis_str(buf, sizeof(buf), s);
	return buf;
}

static void
test_escapes(void)
{
	CHECK_STR(v(""), "");
	CHECK_STR(v("web-1_a.b:1.25@sha256:ab/c"), "web-1_a.b:1.25@sha256:ab/c");
	CHECK_STR(v("a\nb"), "a\\nb");
	CHECK_STR(v("\r\t\a\b\f\v"), "\\r\\t\\a\\b\\f\\v");
	CHECK_STR(v("\033[31mred\033[0m"), "\\033[31mred\\033[0m");
	CHECK_STR(v("\x01\x1f\x7f"), "\\001\\037\\177");
	CHECK_STR(v("back\\slash"), "back\\\\slash");
	CHECK_STR(v("say \"hi\" 'x' ~ % $"), "say \"hi\" 'x' ~ % $");
	/* Valid UTF-8 stays; a C1 control, a bad byte, an overlong, a surrogate do not. */
	CHECK_STR(v("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x90\xb3"), "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x90\xb3");
	CHECK_STR(v("\xc2\x9b" "31m"), "\\302\\23331m");
	CHECK_STR(v("\xff\xfe"), "\\377\\376");
	CHECK_STR(v("\xc0\xaf"), "\\300\\257");
	CHECK_STR(v("\xed\xa0\x80"), "\\355\\240\\200");
	CHECK_STR(v("\xe6\x97"), "\\346\\227");
	CHECK_STR(v("\xf4\x90\x80\x80"), "\\364\\220\\200\\200");
	CHECK(!vis_needed("plain text: 1/2 (ok) caf\xc3\xa9"));
	CHECK(vis_needed("a\nb") && vis_needed("\\") && vis_needed("\xc3") &&
	    vis_needed("\xc2\x85") && vis_needed("\x7f"));
	/* A NUL inside a counted buffer is escaped, not an end. */
	{
		char b[16];

		CHECK(vis_mem(b, sizeof(b), "a\0b", 3) == 6);
		CHECK_STR(b, "a\\000b");
	}
}

/* A forged line cannot start: no newline survives, whatever the input. */
static void
test_forged(void)
{
	const char *name = "web\ncgwardend: FORGED root login\r\n\033]0;title\a";
	char *s = xvis(name);

	CHECK(strchr(s, '\n') == NULL && strchr(s, '\r') == NULL && strchr(s, '\033') == NULL &&
	    strchr(s, '\a') == NULL);
	CHECK_STR(s, "web\\ncgwardend: FORGED root login\\r\\n\\033]0;title\\a");
	free(s);
	/* Every byte value: nothing below 0x20, no DEL, in the result. */
	{
		char all[256], out[1100];
		int bad = 0;

		for (int i = 0; i < 255; i++)
			all[i] = (char)(i + 1);
		all[255] = '\0';
		CHECK(vis_str(out, sizeof(out), all) < sizeof(out));
		for (const unsigned char *p = (const unsigned char *)out; *p; p++)
			bad += *p < 0x20 || *p == 0x7f;
		CHECK(bad == 0);
	}
}

/* Cut to fit, never in the middle of an escape or a character; the full length returned. */
static void
test_cut(void)
{
	char b[6];

	CHECK(vis_str(b, sizeof(b), "ab\033cd") == 8);
	CHECK_STR(b, "ab");
	CHECK(vis_str(b, sizeof(b), "abcd\xc3\xa9") == 6);
	CHECK_STR(b, "abcd");
	CHECK(vis_str(b, sizeof(b), "a\nb") == 4);
	CHECK_STR(b, "a\\nb");
	CHECK(vis_str(NULL, 0, "a\nb") == 4);
	CHECK(vis_str(b, 1, "abc") == 3 && b[0] == '\0');
}

/* A log line is one line whatever its arguments hold: stderr read back. */
static void
test_log(void)
{
	char path[] = "/tmp/cgw-vis-XXXXXX", buf[512];
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	if (fd < 0 || saved < 0)
		abort();
	fflush(stderr);
	dup2(fd, 2);
	log_init(0, 0);
	log_warnx("container %s image %s", "web\ncgwardend: FORGED", "img\033[2J\a");
	errno = ENOENT;
	log_warn("cannot read %s", "/sys/fs/cgroup/x\ny");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	buf[n > 0 ? n : 0] = '\0';
	CHECK_STR(buf, "cgwardend: container web\\ncgwardend: FORGED image img\\033[2J\\a\n"
	    "cgwardend: cannot read /sys/fs/cgroup/x\\ny: No such file or directory\n");
}

/* JSON's and Prometheus' UTF-8: valid text kept, each other byte U+FFFD. */
static void
test_utf8(void)
{
	char buf[64];

	CHECK(utf8_valid("plain"));
	CHECK(utf8_valid("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x90\xb3"));
	CHECK(utf8_valid("\x1b[2J\xc2\x9b")); /* controls are UTF-8: JSON escapes them */
	CHECK(!utf8_valid("a\x80"));             /* a lone continuation byte */
	CHECK(!utf8_valid("\xff"));
	CHECK(!utf8_valid("\xe2\x82"));         /* cut */
	CHECK(!utf8_valid("\xc0\xaf"));         /* overlong */
	CHECK(!utf8_valid("\xed\xa0\x80"));     /* a surrogate */
	CHECK(utf8_clean(buf, sizeof(buf), "caf\xc3\xa9") == 5);
	CHECK_STR(buf, "caf\xc3\xa9");
	CHECK(utf8_clean(buf, sizeof(buf), "u\x80x\xffy\xe2\x82") == 15);
	CHECK_STR(buf, "u\xef\xbf\xbdx\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbd");
	CHECK(utf8_valid(buf));
	/* cut at a character, never inside one; the whole length told */
	CHECK(utf8_clean(buf, 5, "ab\xff") == 5);
	CHECK_STR(buf, "ab");
	CHECK(utf8_clean(NULL, 0, "\xff\xff") == 6);
}

int
main(void)
{
	test_utf8();
	test_escapes();
	test_forged();
	test_cut();
	test_log();
	return unit_done("test_vis");
}
