/*
 * The posture checks on what Docker says: an inspect reply (first byte
 * even), then the same JSON as an OCI runtime spec (containerd's and
 * CRI-O's), or the host's daemon.json, /info and dockerd command line (odd).
 */
#include <json.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "fuzz.h"

/* As posture.c's resolver would answer for the usual socket paths. */
static int
exposes(const char *path, const char **sock, void *arg)
{
	(void)arg;
	*sock = "/var/run/docker.sock";
	if (strcmp(path, "/var/run/docker.sock") == 0)
		return 1;
	return strcmp(path, "/var/run") == 0 || strcmp(path, "/run") == 0 ? 2 : 0;
}

static void
findings(struct audit_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct json_object *o = audit_finding_json(&l->f[i], i % 2 ? NULL :
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "web",
		    "nginx");

		if (l->f[i].check == NULL || l->f[i].evidence == NULL || l->f[i].sev >= AUDIT_NSEV)
			__builtin_trap();
		json_object_to_json_string(o);
		json_object_put(o);
	}
	audit_worst(l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_list l = { 0 };
	struct json_tokener *tok;
	struct json_object *o;
	char *text;

	if (size < 1)
		return 0;
	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, (const char *)data + 1, (int)(size - 1));
	json_tokener_free(tok);
	if (data[0] % 2 == 0) {
		struct audit_limits lim = { .known = data[0] >> 1 & 7, .v = { 100, 1 << 20, 1500 } };

		if (audit_container(o, &lim, exposes, NULL, &l) == 0)
			findings(&l);
		audit_list_clear(&l);
		if (audit_spec(o, exposes, NULL, &l) == 0)
			findings(&l);
	} else {
		const char *argv[] = { "dockerd", "-H", "tcp://0.0.0.0:2375", "--config-file",
			"/etc/docker/daemon.json" };
		const char *listen[] = { "0.0.0.0:2375" };
		struct audit_host h = {
			.sock_path = "/var/run/docker.sock", .sock_ok = 1, .sock_mode = 0140660,
			.sock_group = "docker", .dockerd_pid = 1, .argv = argv,
			.argc = data[0] >> 1 & 1 ? 5 : 1, .daemon_json_path = "/etc/docker/daemon.json",
			.listen = listen, .nlisten = 1, .info = o,
		};

		/* The same bytes as daemon.json's text. */
		text = fuzz_str(data + 1, size - 1);
		h.daemon_json = text;
		audit_host(&h, &l);
		findings(&l);
		audit_daemon_json_path(argv, h.argc);
		free(text);
	}
	audit_list_free(&l);
	json_object_put(o);
	return 0;
}
