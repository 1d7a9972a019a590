/* Image matching, as CONTRACT.md says: globs, tag-less patterns, Hub short names. */
#include "image.h"
#include "unit.h"

static const struct {
	const char *pattern, *ref;
	int match;
} cases[] = {
	{ "nginx", "nginx", 1 },
	{ "nginx", "nginx:1.25", 1 },
	{ "nginx", "nginx:latest", 1 },
	{ "nginx", "nginx@sha256:0123abcd", 1 },
	{ "nginx", "nginx:1.25@sha256:0123abcd", 1 },
	{ "nginx", "docker.io/library/nginx", 1 },
	{ "nginx", "docker.io/library/nginx:1.25", 1 },
	{ "nginx", "index.docker.io/library/nginx:1", 1 },
	{ "nginx", "docker.io/nginx:1", 1 },
	{ "docker.io/library/nginx", "nginx:1.25", 1 },
	{ "library/nginx", "nginx", 1 },
	{ "nginx", "nginx-proxy", 0 },
	{ "nginx", "bitnami/nginx", 0 },
	{ "nginx", "registry.example.com/nginx", 0 },
	{ "nginx:1.25", "nginx:1.25", 1 },
	{ "nginx:1.25", "nginx:1.24", 0 },
	{ "nginx:1.25", "nginx", 0 },
	{ "nginx:1.25", "docker.io/library/nginx:1.25", 1 },
	{ "nginx:1.*", "nginx:1.25", 1 },
	{ "nginx:1.*", "nginx:2.0", 0 },
	{ "nginx*", "nginx-proxy:3", 1 },
	{ "*", "anything/at:all", 1 },
	{ "*", "registry.example.com/team/app:2", 1 },
	{ "registry.example.com/team/*", "registry.example.com/team/app:2", 1 },
	{ "registry.example.com/team/*", "registry.example.com/other/app:2", 0 },
	{ "registry.example.com/team/app", "registry.example.com/team/app:2", 1 },
	{ "registry.example.com/team/app", "registry.example.com/team/app@sha256:ff", 1 },
	{ "registry:5000/team/app:1", "registry:5000/team/app:1", 1 },
	{ "registry:5000/team/app", "registry:5000/team/app:1", 1 },
	{ "registry:5000/team/app", "registry:5001/team/app:1", 0 },
	{ "registry:5000/team/app:1", "registry:5000/team/app:2", 0 },
	{ "localhost/app", "localhost/app:dev", 1 },
	{ "localhost:5000/app", "localhost:5000/app:dev", 1 },
	{ "bitnami/redis", "bitnami/redis:7", 1 },
	{ "bitnami/redis", "docker.io/bitnami/redis:7", 1 },
	{ "bitnami/*", "bitnami/redis:7", 1 },
	{ "redis", "bitnami/redis:7", 0 },
	{ "app@sha256:ff", "app@sha256:ff", 1 },
	{ "app@sha256:ff", "app@sha256:ee", 0 },
	{ "team/app", "", 0 },
	{ "[bc]usybox", "busybox:1", 1 },
	{ "[bc]usybox", "dusybox:1", 0 },
};

int
main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = image_match(cases[i].pattern, cases[i].ref);

		if (got == cases[i].match)
			unit_passed++;
		else {
			unit_failed++;
			fprintf(stderr, "FAIL: image_match(\"%s\", \"%s\") = %d, want %d\n",
			    cases[i].pattern, cases[i].ref, got, cases[i].match);
		}
	}
	CHECK(image_match(NULL, "x") == 0);
	return unit_done("test_image");
}
