/* Hierarchy detection, fed mountinfo files and a cgroup2 mount made by the test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "unit.h"

static char dir[] = "/tmp/cgw-cgroup-XXXXXX";
static char mi[64];

/* Writes the mountinfo lines of TEXT, each "%s" in it the test's directory. */
static void
mountinfo(const char *text)
{
	FILE *f = fopen(mi, "w");

	if (f == NULL) {
		perror(mi);
		exit(1);
	}
	for (const char *p = text; *p; p++)
		if (p[0] == '%' && p[1] == 's') {
			fputs(dir, f);
			p++;
		} else
			fputc(*p, f);
	fclose(f);
}

static int
detect(struct hierarchy *hs, int hide_v2)
{
	char err[256];

	return cgroup_detect(dir, mi, hide_v2, hs, err, sizeof(err));
}

/* The v2 mount, wherever it is in the table, or NULL. */
static const struct hier *
find_v2(const struct hierarchy *hs)
{
	for (size_t i = 0; i < hs->n; i++)
		if (hs->h[i].v2)
			return &hs->h[i];
	return NULL;
}

/* One cgroup2 mount then seven v1 freezer mounts: the v2 mount is kept, last. */
static void
test_many_v1(void)
{
	struct hierarchy hs;
	char want[128];
	int nulls = 0;

	mountinfo("30 1 0:26 / %s/unified rw - cgroup2 cgroup2 rw\n"
	    "31 1 0:27 / %s/f1 rw - cgroup cgroup rw,freezer\n"
	    "32 1 0:27 / %s/f2 rw - cgroup cgroup rw,freezer\n"
	    "33 1 0:27 / %s/f3 rw - cgroup cgroup rw,freezer\n"
	    "34 1 0:27 / %s/f4 rw - cgroup cgroup rw,freezer\n"
	    "35 1 0:27 / %s/f5 rw - cgroup cgroup rw,freezer\n"
	    "36 1 0:27 / %s/f6 rw - cgroup cgroup rw,freezer\n"
	    "37 1 0:27 / %s/f7 rw - cgroup cgroup rw,freezer\n"
	    "38 1 0:28 / %s/pids rw - cgroup cgroup rw,pids\n");
	CHECK(detect(&hs, 0) == 0);
	for (size_t i = 0; i < hs.n; i++)
		nulls += hs.h[i].mount == NULL;
	CHECK(nulls == 0);
	CHECK(hs.n == 3 && hs.layout == LAYOUT_HYBRID);
	snprintf(want, sizeof(want), "%s/unified", dir);
	CHECK(find_v2(&hs) != NULL && strcmp(find_v2(&hs)->mount, want) == 0);
	CHECK(hs.n > 0 && hs.h[hs.n - 1].v2);
	/* The pids mount after them all still counts. */
	snprintf(want, sizeof(want), "%s/pids", dir);
	CHECK(hs.n == 3 && strcmp(hs.h[1].mount, want) == 0);
	CHECK(cgroup_has_v1(&hs, CTRL_PIDS) && cgroup_has_v1(&hs, CTRL_FREEZER));
	/* Said, with the mounts left out. */
	snprintf(want, sizeof(want), "%s/f7 (its controllers are mounted before it)", dir);
	CHECK(hs.nignored == 6 && strstr(hs.ignored, want) != NULL);
	cgroup_hierarchy_free(&hs);
	CHECK(hs.n == 0);
}

/* Every tracked controller on its own mount, a second cgroup2: at most MAX_HIER. */
static void
test_full(void)
{
	struct hierarchy hs;

	mountinfo("29 1 0:25 / %s/systemd rw - cgroup cgroup rw,name=systemd\n"
	    "30 1 0:26 / %s/pids rw - cgroup cgroup rw,pids\n"
	    "31 1 0:27 / %s/memory rw - cgroup cgroup rw,memory\n"
	    "32 1 0:28 / %s/cpu rw - cgroup cgroup rw,cpu\n"
	    "33 1 0:29 / %s/cpuacct rw - cgroup cgroup rw,cpuacct\n"
	    "34 1 0:30 / %s/freezer rw - cgroup cgroup rw,freezer\n"
	    "35 1 0:31 / %s/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
	    "36 1 0:32 / %s/unified rw - cgroup2 cgroup2 rw\n"
	    "37 1 0:32 / %s/unified2 rw - cgroup2 cgroup2 rw\n"
	    "38 1 0:33 / /elsewhere rw - cgroup cgroup rw,pids\n");
	CHECK(detect(&hs, 0) == 0);
	CHECK(hs.n == 6 && hs.n <= MAX_HIER && hs.h[5].v2 && hs.h[5].mount != NULL);
	CHECK(hs.nignored == 2 && strstr(hs.ignored, "unified2 (a second cgroup2 mount)"));
	cgroup_hierarchy_free(&hs);
	/* unified_tree = ignore on a hybrid host: v1 only. */
	CHECK(detect(&hs, 1) == 0 && hs.n == 5 && hs.layout == LAYOUT_V1 && find_v2(&hs) == NULL);
	cgroup_hierarchy_free(&hs);
}

/* Whether /sys/kernel/cgroup/features lists the word, read here on its own. */
static int
kernel_lists(const char *word)
{
	char line[128];
	int found = 0;
	FILE *f = fopen("/sys/kernel/cgroup/features", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		found |= strncmp(line, word, strlen(word)) == 0 && line[strlen(word)] == '\n';
	fclose(f);
	return found;
}

/* A pure v2 host: its controllers from cgroup.controllers, plus the core ones. */
static void
test_v2(void)
{
	struct hierarchy hs;
	char path[128], err[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/unified", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/unified/cgroup.controllers", dir);
	if ((f = fopen(path, "w")) == NULL)
		exit(1);
	fputs("cpuset cpu io memory pids\n", f);
	fclose(f);
	mountinfo("36 1 0:32 / %s/unified rw - cgroup2 cgroup2 rw\n");
	CHECK(detect(&hs, 1) == 0 && hs.n == 1 && hs.layout == LAYOUT_V2);
	CHECK(hs.n == 1 && hs.h[0].ctrls == ((1u << CTRL_COUNT) - 1) && hs.nignored == 0);
	/* Refused forks counted up the tree where this kernel lists the option for the old way. */
	CHECK(hs.n == 1 && hs.h[0].pids_up == kernel_lists("pids_localevents"));
	cgroup_hierarchy_free(&hs);
	/* Mounted with it: counted in the cgroup that forked only, as on v1. */
	mountinfo("36 1 0:32 / %s/unified rw - cgroup2 cgroup2 rw,nsdelegate,pids_localevents\n");
	CHECK(detect(&hs, 1) == 0 && hs.n == 1 && hs.h[0].pids_up == 0);
	cgroup_hierarchy_free(&hs);
	mountinfo("36 1 0:32 / %s/unified rw - cgroup2 cgroup2 rw,pids_localeventsX\n");
	CHECK(detect(&hs, 1) == 0 && hs.n == 1 &&
	    hs.h[0].pids_up == kernel_lists("pids_localevents"));
	cgroup_hierarchy_free(&hs);
	mountinfo("30 1 0:26 / %s/pids rw - cgroup cgroup rw,pids\n");
	CHECK(detect(&hs, 1) == 0 && hs.n == 1 && hs.h[0].pids_up == 0);
	cgroup_hierarchy_free(&hs);
	unlink(path);
	snprintf(path, sizeof(path), "%s/unified", dir);
	rmdir(path);
	mountinfo("36 1 0:32 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
	CHECK(cgroup_detect(dir, mi, 0, &hs, err, sizeof(err)) < 0 &&
	    strstr(err, "no cgroup filesystem") != NULL);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(mi, sizeof(mi), "%s/mountinfo", dir);
	test_many_v1();
	test_full();
	test_v2();
	unlink(mi);
	rmdir(dir);
	return unit_done("test_cgroup");
}
