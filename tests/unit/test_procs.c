/* What /proc says of a cgroup's tasks, read from a /proc and a cgroup made by the test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procs.h"
#include "unit.h"

static char dir[] = "/tmp/cgw-procs-XXXXXX";

static void
put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void
sub(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	mkdir(path, 0755);
}

/* Whose cgroup: the path and every path below it, never a sibling with the same prefix. */
static void
test_in_cgroup(void)
{
	CHECK(procs_in_cgroup("self", "/docker/abc") == 1);
	CHECK(procs_in_cgroup("self", "/docker") == 1);   /* below it */
	CHECK(procs_in_cgroup("self", "/docker/ab") == 0); /* a prefix, not a parent */
	CHECK(procs_in_cgroup("self", "/other") == 0);
	CHECK(procs_in_cgroup("1", "/docker/abc") == 0);
	CHECK(procs_in_cgroup("1", "/init.scope") == 1);  /* the v2 line */
	CHECK(procs_in_cgroup("4242", "/docker") == 0);   /* no such process */
}

/* The names that run in it, most first, with their counts. */
static void
test_top(void)
{
	char out[256], mount[512];
	struct cg g = { 0 };

	snprintf(mount, sizeof(mount), "%s/cg", dir);
	g.mount = mount;
	g.rel = (char *)(uintptr_t)"c1";
	for (int i = 0; i < CF_COUNT; i++)
		g.fd[i] = -1;
	CHECK(procs_top(&g, out, sizeof(out)) == 3);
	CHECK_STR(out, "sh 2, sleep 1");
	CHECK(procs_top(NULL, out, sizeof(out)) == 0);
	CHECK_STR(out, "");
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	sub("self");
	sub("1");
	sub("100");
	sub("101");
	sub("102");
	sub("cg");
	sub("cg/c1");
	put("self/cgroup", "12:pids:/docker/abc\n0::/docker/abc\n");
	put("1/cgroup", "12:pids:/\n0::/init.scope\n");
	put("100/comm", "sh\n");
	put("101/comm", "sh\n");
	put("102/comm", "sleep\n");
	put("cg/c1/cgroup.procs", "100\n101\n102\n");
	procs_set_root(dir);
	test_in_cgroup();
	test_top();
	procs_set_root("/proc");
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return unit_done("test_procs");
}
