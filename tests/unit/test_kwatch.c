/*
 * Kernel notifications on files the test makes: a write is told with the
 * tag the file was watched with, and never after kwatch_forget(tag).
 */
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kwatch.h"
#include "unit.h"

static char dir[] = "/tmp/cgw-kwatch-XXXXXX";
static char rel[2][8] = { "a", "b" };
static int tags[2]; /* what the watches are tagged with: their addresses */
static int told[2], told_other;
static enum kw_kind last_kind;

static void
changed(void *tag, enum kw_kind kind, void *arg)
{
	(void)arg;
	last_kind = kind;
	if (tag == &tags[0])
		told[0]++;
	else if (tag == &tags[1])
		told[1]++;
	else
		told_other++;
}

/* A v1 pids directory of the test's, with its pids.max. */
static void
fake_cg(struct cg *g, int i)
{
	char path[256];
	FILE *f;

	memset(g, 0, sizeof(*g));
	g->mount = dir;
	g->rel = rel[i];
	for (int k = 0; k < CF_COUNT; k++)
		g->fd[k] = -1;
	g->fd[CF_PIDS_MAX] = FD_ONDEMAND;
	snprintf(path, sizeof(path), "%s/%s", dir, rel[i]);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/pids.max", dir, rel[i]);
	if ((f = fopen(path, "w")) != NULL) {
		fputs("max\n", f);
		fclose(f);
	}
}

static void
write_limit(int i, const char *val)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/pids.max", dir, rel[i]);
	if ((fd = open(path, O_WRONLY | O_TRUNC)) >= 0) {
		if (write(fd, val, strlen(val)) < 0)
			perror(path);
		close(fd);
	}
}

/* Lets the loop read what inotify has queued. */
static void
drain(struct event_base *base)
{
	for (int i = 0; i < 3; i++) {
		usleep(20000);
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
}

int
main(void)
{
	struct event_base *base = event_base_new();
	struct kwatch *k;
	struct cg g[2];
	char path[256];

	if (mkdtemp(dir) == NULL || base == NULL)
		return 1;
	k = kwatch_new(base, changed, NULL);
	fake_cg(&g[0], 0);
	fake_cg(&g[1], 1);
	CHECK(kwatch_limits(k, &g[0], &tags[0]) == 0);
	CHECK(kwatch_limits(k, &g[1], &tags[1]) == 0);
	/* watched twice: one watch, the tag of the last */
	CHECK(kwatch_limits(k, &g[1], &tags[1]) == 0);
	CHECK(kwatch_count(k, KW_LIMIT) == 2);
	CHECK(kwatch_count(k, KW_EVENTS) == 0);
	/* a v1 directory has no event files to watch */
	kwatch_dir(k, &g[0], &tags[0]);
	CHECK(kwatch_count(k, KW_EVENTS) == 0);

	write_limit(0, "100\n");
	drain(base);
	CHECK(told[0] >= 1 && told[1] == 0 && told_other == 0);
	CHECK(last_kind == KW_LIMIT);

	kwatch_forget(k, &tags[0]);
	CHECK(kwatch_count(k, KW_LIMIT) == 1);
	told[0] = told[1] = 0;
	write_limit(0, "200\n");
	write_limit(1, "300\n");
	drain(base);
	CHECK(told[0] == 0); /* forgotten: never told again */
	CHECK(told[1] >= 1);
	CHECK(told_other == 0);

	/* a directory removed: its watch goes with it, the others stay */
	snprintf(path, sizeof(path), "%s/%s/pids.max", dir, rel[1]);
	unlink(path);
	drain(base);
	CHECK(kwatch_count(k, KW_LIMIT) == 0);

	kwatch_free(k);
	event_base_free(base);
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s/pids.max", dir, rel[i]);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s", dir, rel[i]);
		rmdir(path);
	}
	rmdir(dir);
	return unit_done("test_kwatch");
}
