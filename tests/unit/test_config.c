/* Config value parsers, rule inheritance and matching. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "container.h"
#include "unit.h"
#include "xmalloc.h"

static void
test_values(void)
{
	uint64_t v;
	char b[32];

	CHECK(config_parse_size("512M", &v) == 0 && v == 512u << 20);
	CHECK(config_parse_size("1G", &v) == 0 && v == 1u << 30);
	CHECK(config_parse_size("2T", &v) == 0 && v == (uint64_t)2 << 40);
	CHECK(config_parse_size("4k", &v) == 0 && v == 4096);
	CHECK(config_parse_size("64MB", &v) == 0 && v == 64u << 20);
	CHECK(config_parse_size("12345", &v) == 0 && v == 12345);
	CHECK(config_parse_size("max", &v) == 0 && v == LIMIT_MAX);
	CHECK(config_parse_size("12Q", &v) < 0);
	CHECK(config_parse_size("-1", &v) < 0);
	CHECK(config_parse_size("", &v) < 0);
	CHECK(config_parse_size("0", &v) < 0);
	CHECK(config_parse_size("99999999999T", &v) < 0);
	CHECK(config_parse_duration("1s", &v) == 0 && v == 1000);
	CHECK(config_parse_duration("250ms", &v) == 0 && v == 250);
	CHECK(config_parse_duration("2m", &v) == 0 && v == 120000);
	CHECK(config_parse_duration("3", &v) == 0 && v == 3000);
	CHECK(config_parse_duration("1h", &v) < 0);
	CHECK(config_parse_duration("s", &v) < 0);
	CHECK(config_parse_cpus("1.5", &v) == 0 && v == 1500);
	CHECK(config_parse_cpus("2", &v) == 0 && v == 2000);
	CHECK(config_parse_cpus("0.25", &v) == 0 && v == 250);
	CHECK(config_parse_cpus(".5", &v) == 0 && v == 500);
	CHECK(config_parse_cpus("max", &v) == 0 && v == LIMIT_MAX);
	CHECK(config_parse_cpus("0", &v) < 0);
	CHECK(config_parse_cpus("1.2345", &v) < 0);
	CHECK(config_parse_cpus("1.", &v) < 0);
	CHECK(config_parse_cpus("x", &v) < 0);
	CHECK(config_parse_count("7", &v, 0) == 0 && v == 7);
	CHECK(config_parse_count("max", &v, 0) < 0);
	CHECK(config_parse_count("max", &v, 1) == 0 && v == LIMIT_MAX);
	config_fmt_size(512u << 20, b, sizeof(b));
	CHECK_STR(b, "512M");
	config_fmt_size(1000, b, sizeof(b));
	CHECK_STR(b, "1000");
	config_fmt_cpus(1500, b, sizeof(b));
	CHECK_STR(b, "1.5");
	config_fmt_cpus(250, b, sizeof(b));
	CHECK_STR(b, "0.25");
	config_fmt_duration(250, b, sizeof(b));
	CHECK_STR(b, "250ms");
	config_fmt_duration(120000, b, sizeof(b));
	CHECK_STR(b, "2m");
}

static struct config *
load_text(const char *text, struct config_errors *errs)
{
	/* A directory of its own: a conf.d beside the file would be read too. */
	char dir[] = "/tmp/cgw-unit-XXXXXX", path[64];
	struct config *cf;
	int fd;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/cgwarden.conf", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	cf = config_load(path, errs);
	unlink(path);
	rmdir(dir);
	return cf;
}

static void
test_rules(void)
{
	struct config_errors errs;
	struct config *cf = load_text(
	    "[defaults]\npids_max = 100\naction = kill\n"
	    "[image \"nginx\"]\npids_max = 10\n"
	    "[image \"registry:5000/team/*\"]\nmemory_max = 1G\n"
	    "[image \"*\"]\ncpus = 0.5\n", &errs);

	CHECK(cf != NULL && errs.n == 0);
	if (cf == NULL)
		return;
	CHECK_STR(config_match(cf, NULL)->name, "defaults");
	CHECK_STR(config_match(cf, "nginx:1.25")->name, "nginx");
	CHECK(config_match(cf, "nginx:1.25")->pids_max == 10);
	/* unset keys come from [defaults] */
	CHECK(config_match(cf, "nginx")->action == ACTION_KILL);
	CHECK(config_match(cf, "registry:5000/team/app:1")->memory_max == 1u << 30);
	CHECK(config_match(cf, "registry:5000/team/app:1")->pids_max == 100);
	/* first match in file order */
	CHECK_STR(config_match(cf, "docker.io/library/nginx")->name, "nginx");
	CHECK_STR(config_match(cf, "redis")->name, "*");
	config_free(cf);

	cf = load_text("[global]\nmode = monitor\nmode = enforce\nfoo = 1\n", &errs);
	CHECK(cf == NULL && errs.n == 2);
	CHECK(errs.n == 2 && strstr(errs.msg[0], ":3: duplicate key 'mode'") != NULL);
	CHECK(errs.n == 2 && strstr(errs.msg[1], ":4: unknown key 'foo'") != NULL);
	config_errors_free(&errs);

	/* inline comments: '#' and ';' after whitespace */
	cf = load_text("[global]\ninterval = 250ms   # fast\n"
	    "container_cgroups = a/*  ; x\n   b/*\n", &errs);
	CHECK(cf != NULL);
	if (cf) {
		CHECK(cf->interval_ms == 250);
		CHECK(cf->npatterns == 2);
		CHECK(cf->npatterns == 2 && strcmp(cf->patterns[1], "b/*") == 0);
		config_free(cf);
	}
}

/*
 * Sections are the reader's: each new [image] header moves cf->images,
 * and no key may land in a rule looked up before that move.
 */
static void
test_sections(void)
{
	struct config_errors errs;
	struct config *cf;
	char *text = NULL, *t;
	size_t n = 0;
	int ok = 1;

	/* The fuzzer's input: a rule held across two headers. */
	cf = load_text("[image \"a\"]\n=\n[image \"b\"]\n[image \"a\"]\npids_max=", &errs);
	CHECK(cf == NULL && errs.n == 2);
	CHECK(errs.n == 2 && strstr(errs.msg[1], ":4: duplicate section [image \"a\"]"));
	config_errors_free(&errs);
	/* Indented: a continuation for inih, a header for the eye. */
	cf = load_text("[image \"a\"]\npids_max = 1\n  [image \"b\"]\nmemory_max = 1G\n", &errs);
	CHECK(cf == NULL && errs.n == 1 && strstr(errs.msg[0], ":3: a section header must start"));
	config_errors_free(&errs);
	/* " ;" in a header: inih reads a comment there. */
	cf = load_text("[image \"x\"]\n[image \"y ;z\"]\nmemory_max = 1G\n", &errs);
	CHECK(cf == NULL && errs.n == 1 && strstr(errs.msg[0], ":2: [image \"y ;z\"]"));
	config_errors_free(&errs);
	/* Forty rules, each header moving the table: every key in its own rule. */
	for (int i = 0; i < 40; i++) {
		t = xasprintf("%s[image \"img%d\"]\npids_max = %d\n", text ? text : "", i, i + 1);
		free(text);
		text = t;
	}
	cf = load_text(text, &errs);
	free(text);
	CHECK(cf != NULL && cf->nimages == 40);
	for (size_t i = 0; cf && i < cf->nimages; i++, n++)
		ok &= cf->images[i].pids_max == i + 1;
	CHECK(cf != NULL && ok && n == 40);
	CHECK(cf != NULL && config_match(cf, "img39:1")->pids_max == 40);
	config_free(cf);
	config_errors_free(&errs);
}

static void
test_ids(void)
{
	char id[ID_LEN + 1];
	const char *hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char name[128];

	CHECK(container_id_from_name(hex, id) == 0 && strcmp(id, hex) == 0);
	snprintf(name, sizeof(name), "docker-%s.scope", hex);
	CHECK(container_id_from_name(name, id) == 0 && strcmp(id, hex) == 0);
	CHECK(container_id_from_name("docker-abc.scope", id) < 0);
	snprintf(name, sizeof(name), "%sa", hex); /* 65 hex: not an id */
	CHECK(container_id_from_name(name, id) < 0);
	CHECK(container_id_from_name("init.scope", id) < 0);
}

/* namespace and pod keys narrow an image rule to some pods; first match still wins. */
static void
test_pods(void)
{
	struct config_errors errs;
	struct config *cf = load_text(
	    "[image \"nginx\"]\nnamespace = kube-system  monitoring-*\npids_max = 10\n"
	    "[image \"*\"]\nnamespace = ci\npod = runner-*\npids_max = 20\n"
	    "[image \"nginx\"  ]\n", &errs);

	CHECK(cf == NULL && errs.n == 1);
	config_errors_free(&errs);
	cf = load_text(
	    "[image \"nginx\"]\nnamespace = kube-system  monitoring-*\npids_max = 10\n"
	    "[image \"*\"]\nnamespace = ci\npod = runner-*\npids_max = 20\n"
	    "[image \"nginx:*\"]\npids_max = 30\n", &errs);
	CHECK(cf != NULL && errs.n == 0);
	if (cf == NULL)
		return;
	CHECK(config_match_pod(cf, "nginx:1", "kube-system", "x")->pids_max == 10);
	CHECK(config_match_pod(cf, "nginx:1", "monitoring-eu", NULL)->pids_max == 10);
	/* another namespace, or none known (Docker): the next rule */
	CHECK(config_match_pod(cf, "nginx:1", "default", "x")->pids_max == 30);
	CHECK(config_match(cf, "nginx:1")->pids_max == 30);
	CHECK(config_match_pod(cf, "busybox", "ci", "runner-7")->pids_max == 20);
	CHECK_STR(config_match_pod(cf, "busybox", "ci", "web")->name, "defaults");
	CHECK_STR(config_match_pod(cf, "busybox", "ci", NULL)->name, "defaults");
	CHECK_STR(cf->images[0].namespace, "kube-system  monitoring-*");
	config_free(cf);

	/* not in [defaults]; a bad glob; given twice; empty */
	cf = load_text("[defaults]\nnamespace = a\n[image \"x\"]\nnamespace = [a\n"
	    "pod = a\npod = b\n[image \"y\"]\nnamespace =\n", &errs);
	CHECK(cf == NULL && errs.n == 4);
	CHECK(errs.n == 4 && strstr(errs.msg[0], ":2: namespace: only in [image]") != NULL);
	CHECK(errs.n == 4 && strstr(errs.msg[1], ":4: namespace: bad glob '[a'") != NULL);
	CHECK(errs.n == 4 && strstr(errs.msg[2], ":6: duplicate key 'pod'") != NULL);
	CHECK(errs.n == 4 && strstr(errs.msg[3], ":8: namespace: at least one") != NULL);
	config_errors_free(&errs);

	/* the runtimes' keys: defaults, empty is off, relative paths refused */
	cf = load_text("[global]\npodman_socket =\ncrio_storage = /x\n", &errs);
	CHECK(cf != NULL);
	if (cf) {
		CHECK_STR(cf->podman_socket, "");
		CHECK_STR(cf->containerd_state, "/run/containerd");
		CHECK_STR(cf->crio_storage, "/x");
		config_free(cf);
	}
	cf = load_text("[global]\ncontainerd_state = run/containerd\n", &errs);
	CHECK(cf == NULL && errs.n == 1);
	config_errors_free(&errs);
}

int
main(void)
{
	test_values();
	test_rules();
	test_sections();
	test_ids();
	test_pods();
	return unit_done("test_config");
}
