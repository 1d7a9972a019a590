/*
 * Posture checks on real inspect and /info replies (tests/unit/fixtures/
 * audit, taken from Docker 20.10 with paths made generic) and on built
 * host facts; the socket resolution and the continuous path on a real
 * socket file.
 */
#include <json.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "container.h"
#include "events.h"
#include "posture.h"
#include "unit.h"

#define FIXTURES "tests/unit/fixtures/audit/"

static struct json_object *
fixture(const char *name)
{
	struct json_object *o = json_object_from_file(name);

	if (o == NULL) {
		fprintf(stderr, "cannot read %s (run from the top directory)\n", name);
		exit(1);
	}
	return o;
}

/* The finding with this check (and cis, when given), or NULL. */
static const struct audit_finding *
find(const struct audit_list *l, const char *check, const char *cis)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->f[i].check, check) == 0 &&
		    (cis == NULL || (l->f[i].cis && strcmp(l->f[i].cis, cis) == 0)))
			return &l->f[i];
	return NULL;
}

static int
has_ev(const struct audit_list *l, const char *check, enum audit_sev sev, const char *part)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->f[i].check, check) == 0 && l->f[i].sev == sev &&
		    strstr(l->f[i].evidence, part) != NULL)
			return 1;
	return 0;
}

/* A resolver as posture.c's, on names: the fixtures' socket and its symlink. */
static int
fake_exposes(const char *path, const char **sock, void *arg)
{
	(void)arg;
	*sock = "/var/run/docker.sock";
	if (strcmp(path, "/var/run/docker.sock") == 0 ||
	    strcmp(path, "/srv/compose/docker.sock") == 0)
		return 1;
	if (strcmp(path, "/var/run") == 0)
		return 2;
	return 0;
}

static void
test_socket_and_friends(void)
{
	struct json_object *o = fixture(FIXTURES "sock-capadd-pidhost-seccomp.json");
	struct audit_limits eff = { 0 };
	struct audit_list l = { 0 };
	const struct audit_finding *f;

	CHECK(audit_container(o, &eff, fake_exposes, NULL, &l) == 0);
	f = find(&l, "docker-socket-mounted", NULL);
	CHECK(f && f->sev == AUDIT_HIGH);
	CHECK_STR(f ? f->cis : NULL, "5.32");
	CHECK(f && strstr(f->evidence, "/var/run/docker.sock -> /var/run/docker.sock is the "
	    "Docker socket") != NULL);
	f = find(&l, "capability-added", "5.4");
	CHECK(f && f->sev == AUDIT_HIGH && strstr(f->evidence, "SYS_ADMIN"));
	f = find(&l, "host-namespace", "5.16");
	CHECK(f && strstr(f->evidence, "--pid host"));
	CHECK(find(&l, "host-namespace", "5.10") == NULL);
	f = find(&l, "seccomp-unconfined", "5.22");
	CHECK(f && f->sev == AUDIT_MEDIUM);
	CHECK(find(&l, "privileged", NULL) == NULL);
	CHECK(find(&l, "runs-as-root", "4.1") != NULL);
	CHECK(find(&l, "rootfs-writable", "5.13") != NULL);
	CHECK(find(&l, "capabilities-default", "5.4") != NULL);
	/* Nothing read from the cgroup: Docker's word only. */
	CHECK(has_ev(&l, "no-pids-limit", AUDIT_MEDIUM, "was not read"));
	CHECK(audit_worst(&l) == AUDIT_HIGH);
	audit_list_free(&l);

	/* The cgroup as enforced: cgwarden's ceiling alone is better than nothing. */
	eff.known = 1u << KNOB_PIDS | 1u << KNOB_MEMORY | 1u << KNOB_CPU;
	eff.v[KNOB_PIDS] = 100;
	eff.v[KNOB_MEMORY] = LIMIT_MAX;
	eff.v[KNOB_CPU] = 1500;
	CHECK(audit_container(o, &eff, fake_exposes, NULL, &l) == 0);
	CHECK(has_ev(&l, "no-pids-limit", AUDIT_LOW, "no --pids-limit from Docker"));
	CHECK(has_ev(&l, "no-pids-limit", AUDIT_LOW, "pids.max = 100"));
	CHECK(has_ev(&l, "no-memory-limit", AUDIT_MEDIUM, "nothing limits it"));
	CHECK(has_ev(&l, "no-cpu-limit", AUDIT_INFO, "= 1.5"));
	CHECK_STR(find(&l, "no-pids-limit", NULL)->cis, "5.29");
	CHECK_STR(find(&l, "no-memory-limit", NULL)->cis, "5.11");
	CHECK_STR(find(&l, "no-cpu-limit", NULL)->cis, "5.12");
	audit_list_free(&l);
	json_object_put(o);
}

static void
test_symlink(void)
{
	struct json_object *o = fixture(FIXTURES "sock-symlink.json");
	struct audit_list l = { 0 };

	CHECK(audit_container(o, NULL, fake_exposes, NULL, &l) == 0);
	CHECK(has_ev(&l, "docker-socket-mounted", AUDIT_HIGH,
	    "/srv/compose/docker.sock -> /var/run/docker.sock resolves to the Docker socket "
	    "/var/run/docker.sock"));
	CHECK(find(&l, "capability-added", NULL) == NULL);
	CHECK(find(&l, "host-namespace", NULL) == NULL);
	CHECK(find(&l, "seccomp-unconfined", NULL) == NULL);
	audit_list_free(&l);
	/* Without a resolver nothing is taken for the socket. */
	CHECK(audit_container(o, NULL, NULL, NULL, &l) == 0);
	CHECK(find(&l, "docker-socket-mounted", NULL) == NULL);
	audit_list_free(&l);
	json_object_put(o);
}

/* runc cannot start --privileged here (the bounding set lacks CAP_SYS_RESOURCE):
 * the check is proven on the inspect data. */
static void
test_privileged(void)
{
	struct json_object *o = fixture(FIXTURES "privileged.json");
	struct audit_list l = { 0 };
	const struct audit_finding *f;

	CHECK(audit_container(o, NULL, fake_exposes, NULL, &l) == 0);
	f = find(&l, "privileged", NULL);
	CHECK(f && f->sev == AUDIT_HIGH);
	CHECK_STR(f ? f->cis : NULL, "5.5");
	/* Said once: not again as capabilities or confinement. */
	CHECK(find(&l, "capability-added", NULL) == NULL);
	CHECK(find(&l, "capabilities-default", NULL) == NULL);
	CHECK(find(&l, "seccomp-unconfined", NULL) == NULL);
	CHECK(find(&l, "docker-socket-mounted", NULL) == NULL);
	audit_list_free(&l);
	json_object_put(o);
}

static void
test_clean(void)
{
	struct json_object *o = fixture(FIXTURES "clean.json");
	struct audit_limits eff = { 1u << KNOB_PIDS | 1u << KNOB_MEMORY | 1u << KNOB_CPU,
		{ 50, 64u << 20, 500 } };
	struct audit_list l = { 0 };

	CHECK(audit_container(o, &eff, fake_exposes, NULL, &l) == 0);
	CHECK(audit_worst(&l) == AUDIT_LOW);
	CHECK(find(&l, "no-pids-limit", NULL) == NULL);
	CHECK(find(&l, "no-memory-limit", NULL) == NULL);
	CHECK(find(&l, "no-cpu-limit", NULL) == NULL);
	CHECK(find(&l, "runs-as-root", NULL) == NULL);
	CHECK(find(&l, "rootfs-writable", NULL) == NULL);
	CHECK(find(&l, "capabilities-default", NULL) == NULL);
	CHECK(find(&l, "no-new-privileges", "5.26") != NULL);
	audit_list_free(&l);
	json_object_put(o);
}

/* Inspect data written by hand: what the fixtures do not show. */
static void
test_built(void)
{
	struct audit_list l = { 0 };
	struct json_object *o;

	o = json_tokener_parse("{\"Name\":\"/x\",\"Config\":{\"Image\":\"i\",\"User\":\"root:root\"},"
	    "\"HostConfig\":{\"CapAdd\":[\"cap_net_admin\",\"CHOWN\"],\"CapDrop\":[\"ALL\"],"
	    "\"NetworkMode\":\"host\",\"IpcMode\":\"host\",\"UTSMode\":\"host\","
	    "\"SecurityOpt\":[\"apparmor:unconfined\",\"no-new-privileges:true\"],"
	    "\"ReadonlyRootfs\":true,\"PidsLimit\":-1,\"Memory\":0,\"CpuQuota\":50000,"
	    "\"CpuPeriod\":100000,\"Devices\":[{\"PathOnHost\":\"/dev/kmsg\"}]},"
	    "\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/var/run\",\"Destination\":\"/r\","
	    "\"RW\":false},{\"Type\":\"bind\",\"Source\":\"/etc/\",\"Destination\":\"/e\","
	    "\"RW\":true},{\"Type\":\"volume\",\"Source\":\"/var/run/docker.sock\","
	    "\"Destination\":\"/v\"}]}");
	CHECK(audit_container(o, NULL, fake_exposes, NULL, &l) == 0);
	/* A capability given back after --cap-drop ALL is not an addition. */
	CHECK(has_ev(&l, "capability-added", AUDIT_MEDIUM, "--cap-add NET_ADMIN"));
	CHECK(!has_ev(&l, "capability-added", AUDIT_MEDIUM, "CHOWN"));
	CHECK(find(&l, "capabilities-default", NULL) == NULL);
	CHECK(find(&l, "host-namespace", "5.10") && find(&l, "host-namespace", "5.17"));
	CHECK(find(&l, "host-namespace", "5.21") && !find(&l, "host-namespace", "5.16"));
	CHECK(find(&l, "apparmor-unconfined", "5.2") != NULL);
	CHECK(find(&l, "no-new-privileges", NULL) == NULL);
	CHECK(has_ev(&l, "runs-as-root", AUDIT_MEDIUM, "'root:root'"));
	CHECK(find(&l, "no-cpu-limit", NULL) == NULL); /* CpuQuota counts */
	CHECK(find(&l, "host-devices", "5.18") != NULL);
	CHECK(has_ev(&l, "docker-socket-mounted", AUDIT_HIGH, "/var/run -> /r holds"));
	CHECK(has_ev(&l, "host-path-mounted", AUDIT_MEDIUM, "host's /etc -> /e"));
	/* A named volume is Docker's, not a host path */
	CHECK(!has_ev(&l, "docker-socket-mounted", AUDIT_HIGH, "-> /v "));
	audit_list_free(&l);
	json_object_put(o);

	/* Older replies without Mounts: HostConfig.Binds. */
	o = json_tokener_parse("{\"Name\":\"/x\",\"Config\":{\"Image\":\"i\",\"User\":\"1000\"},"
	    "\"HostConfig\":{\"Binds\":[\"/srv/compose/docker.sock:/s:ro\",\"vol:/v\"],"
	    "\"Privileged\":\"yes\"}}");
	CHECK(audit_container(o, NULL, fake_exposes, NULL, &l) == 0);
	CHECK(has_ev(&l, "docker-socket-mounted", AUDIT_HIGH, "/srv/compose/docker.sock -> /s "));
	CHECK(find(&l, "privileged", NULL) == NULL); /* wrong type: absent */
	CHECK(find(&l, "runs-as-root", NULL) == NULL);
	audit_list_free(&l);
	json_object_put(o);
	CHECK(audit_container(NULL, NULL, NULL, NULL, &l) < 0);
	o = json_tokener_parse("[1]");
	CHECK(audit_container(o, NULL, NULL, NULL, &l) < 0);
	json_object_put(o);
}

/* An OCI spec: containerd's default (`ctr oci spec`, containerd 1.6), then built ones. */
static void
test_spec(void)
{
	struct audit_list l = { 0 };
	struct json_object *o = fixture(FIXTURES "oci-spec-default.json");

	CHECK(audit_spec(o, fake_exposes, NULL, &l) == 0);
	/* The runtime's defaults: root, writable, no seccomp in ctr's (it sets noNewPrivileges). */
	CHECK(has_ev(&l, "runs-as-root", AUDIT_MEDIUM, "process.user.uid is 0"));
	CHECK(has_ev(&l, "rootfs-writable", AUDIT_LOW, "root.readonly"));
	CHECK(has_ev(&l, "seccomp-unconfined", AUDIT_MEDIUM, "no linux.seccomp"));
	CHECK(find(&l, "no-new-privileges", NULL) == NULL);
	/* Its 14 capabilities are Docker's defaults; its namespaces are its own. */
	CHECK(find(&l, "capability-added", NULL) == NULL);
	CHECK(find(&l, "host-namespace", NULL) == NULL);
	CHECK(find(&l, "privileged", NULL) == NULL);
	CHECK(find(&l, "host-path-mounted", NULL) == NULL && find(&l, "host-devices", NULL) == NULL);
	CHECK(l.n == 3);
	for (size_t i = 0; i < l.n; i++)
		CHECK(l.f[i].cis == NULL); /* no CIS Docker number for a pod's spec */
	audit_list_free(&l);
	json_object_put(o);

	/* Host network, an escape capability, the runtime's socket, /etc, a device. */
	o = json_tokener_parse("{\"process\":{\"user\":{\"uid\":1000},\"noNewPrivileges\":true,"
	    "\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_PTRACE\",\"CAP_NET_ADMIN\"]}},"
	    "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
	    "\"mounts\":[{\"destination\":\"/s\",\"type\":\"bind\","
	    "\"source\":\"/var/run/docker.sock\",\"options\":[\"rbind\",\"ro\"]},"
	    "{\"destination\":\"/e\",\"type\":\"none\",\"source\":\"/etc/\",\"options\":[\"rbind\"]},"
	    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	    "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"/etc\"}],"
	    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},"
	    "{\"type\":\"ipc\",\"path\":\"/proc/42/ns/ipc\"},{\"type\":\"uts\"}],"
	    "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"},"
	    "\"devices\":[{\"path\":\"/dev/kmsg\",\"type\":\"c\",\"major\":1,\"minor\":11}],"
	    "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}}");
	CHECK(audit_spec(o, fake_exposes, NULL, &l) == 0);
	CHECK(has_ev(&l, "capability-added", AUDIT_HIGH, "bounding holds SYS_PTRACE, NET_ADMIN"));
	CHECK(has_ev(&l, "host-namespace", AUDIT_MEDIUM, "no network namespace"));
	/* Joining the pod's IPC namespace by path is its own, not the host's. */
	CHECK(!has_ev(&l, "host-namespace", AUDIT_MEDIUM, "no ipc"));
	CHECK(!has_ev(&l, "host-namespace", AUDIT_MEDIUM, "no pid"));
	CHECK(has_ev(&l, "docker-socket-mounted", AUDIT_HIGH,
	    "/var/run/docker.sock -> /s is a container runtime's socket"));
	CHECK(has_ev(&l, "docker-socket-mounted", AUDIT_HIGH, "read-only, which does not stop"));
	/* A bind by its options, whatever its type; a tmpfs is no host path. */
	CHECK(has_ev(&l, "host-path-mounted", AUDIT_MEDIUM, "host's /etc -> /e"));
	CHECK(!has_ev(&l, "host-path-mounted", AUDIT_MEDIUM, "-> /t"));
	CHECK(has_ev(&l, "host-devices", AUDIT_MEDIUM, "1 host device(s) in linux.devices"));
	CHECK(find(&l, "runs-as-root", NULL) == NULL && find(&l, "rootfs-writable", NULL) == NULL);
	CHECK(find(&l, "seccomp-unconfined", NULL) == NULL);
	CHECK(find(&l, "no-new-privileges", NULL) == NULL && find(&l, "privileged", NULL) == NULL);
	for (size_t i = 0; i < l.n; i++)
		CHECK(l.f[i].cis == NULL);
	audit_list_free(&l);
	json_object_put(o);

	/* Privileged: every device and CAP_SYS_ADMIN; said once, not as each capability. */
	o = json_tokener_parse("{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\","
	    "\"CAP_SYS_MODULE\"]}},\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,"
	    "\"access\":\"rwm\"}]}}}");
	CHECK(audit_spec(o, NULL, NULL, &l) == 0);
	CHECK(has_ev(&l, "privileged", AUDIT_HIGH, "every host device allowed"));
	CHECK(has_ev(&l, "no-new-privileges", AUDIT_LOW, "process.noNewPrivileges is not set"));
	CHECK(find(&l, "capability-added", NULL) == NULL);
	CHECK(find(&l, "seccomp-unconfined", NULL) == NULL);
	/* No linux.namespaces at all: nothing said of namespaces. */
	CHECK(find(&l, "host-namespace", NULL) == NULL);
	audit_list_free(&l);
	json_object_put(o);
	/* One device type only, or a wrong type: not every device. */
	o = json_tokener_parse("{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}},"
	    "\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"c\","
	    "\"access\":\"rwm\"},{\"allow\":\"true\",\"access\":\"rwm\"}]}}}");
	CHECK(audit_spec(o, NULL, NULL, &l) == 0);
	CHECK(find(&l, "privileged", NULL) == NULL);
	CHECK(has_ev(&l, "capability-added", AUDIT_HIGH, "SYS_ADMIN"));
	audit_list_free(&l);
	json_object_put(o);
	CHECK(audit_spec(NULL, NULL, NULL, &l) < 0);
	o = json_tokener_parse("{\"ociVersion\":\"1\"}");
	CHECK(audit_spec(o, NULL, NULL, &l) < 0 && l.n == 0); /* no process: not a spec */
	json_object_put(o);
}

static void
host_init(struct audit_host *h, const char *const *argv, size_t argc)
{
	memset(h, 0, sizeof(*h));
	h->sock_path = "/var/run/docker.sock";
	h->sock_ok = 1;
	h->sock_mode = 0140660;
	h->sock_gid = 106;
	h->sock_group = "docker";
	h->dockerd_pid = 812;
	h->argv = argv;
	h->argc = argc;
	h->daemon_json_path = "/etc/docker/daemon.json";
}

static void
test_host_socket(void)
{
	const char *argv[] = { "dockerd", "-H", "fd://", "--bridge=none" };
	struct audit_host h;
	struct audit_list l = { 0 };

	host_init(&h, argv, 4);
	audit_host(&h, &l);
	CHECK(find(&l, "docker-socket-permissions", NULL) == NULL);
	CHECK(find(&l, "daemon-tcp-without-tls", NULL) == NULL);
	CHECK(find(&l, "icc-enabled", NULL) == NULL);
	audit_list_clear(&l);
	h.sock_mode = 0140666;
	audit_host(&h, &l);
	CHECK(has_ev(&l, "docker-socket-permissions", AUDIT_HIGH, "mode 0666"));
	CHECK_STR(find(&l, "docker-socket-permissions", NULL)->cis, "3.16");
	audit_list_clear(&l);
	h.sock_mode = 0140660;
	h.sock_group = "users";
	h.sock_gid = 100;
	audit_host(&h, &l);
	CHECK(has_ev(&l, "docker-socket-permissions", AUDIT_MEDIUM, "group users"));
	CHECK_STR(find(&l, "docker-socket-permissions", NULL)->cis, "3.15");
	audit_list_clear(&l);
	h.sock_group = NULL;
	h.sock_gid = 0;
	h.sock_uid = 1000;
	audit_host(&h, &l);
	CHECK(has_ev(&l, "docker-socket-permissions", AUDIT_MEDIUM, "uid 1000"));
	audit_list_free(&l);
}

static int
tcp_high(const char *const *argv, size_t argc, const char *daemon_json,
    const char *const *listen, size_t nlisten,
    const char *part)
{
	struct audit_host h;
	struct audit_list l = { 0 };
	int r;

	host_init(&h, argv, argc);
	h.daemon_json = daemon_json;
	h.listen = listen;
	h.nlisten = nlisten;
	audit_host(&h, &l);
	r = find(&l, "daemon-tcp-without-tls", "2.7") != NULL;
	if (r && part)
		r = has_ev(&l, "daemon-tcp-without-tls", AUDIT_HIGH, part);
	audit_list_free(&l);
	return r;
}

static void
test_host_tcp(void)
{
	const char *plain[] = { "dockerd", "-H", "unix:///run/d.sock", "-H", "tcp://0.0.0.0:2375" };
	const char *eq[] = { "dockerd", "--host=tcp://10.0.0.1:2375" };
	const char *glued[] = { "dockerd", "-Htcp://10.0.0.1:2375" };
	const char *verify[] = { "dockerd", "-H", "tcp://0.0.0.0:2376", "--tlsverify",
		"--tlscacert=/ca.pem" };
	const char *noverify[] = { "dockerd", "-H", "tcp://0.0.0.0:2376", "--tlsverify=false",
		"--tls" };
	const char *fd[] = { "dockerd", "-H", "fd://", "--config-file", "/srv/daemon.json" };
	const char *unix_only[] = { "dockerd" };
	const char *listen[] = { "0.0.0.0:2375", "[::]:2375" };

	CHECK(tcp_high(plain, 5, NULL, listen, 1,
	    "dockerd pid 812 serves the Engine API on tcp://0.0.0.0:2375 (command line) "
	    "without TLS; listening on 0.0.0.0:2375"));
	CHECK(tcp_high(eq, 2, NULL, NULL, 0, "tcp://10.0.0.1:2375"));
	CHECK(tcp_high(glued, 2, NULL, NULL, 0, "tcp://10.0.0.1:2375"));
	CHECK(!tcp_high(verify, 5, NULL, NULL, 0, NULL));
	CHECK(tcp_high(noverify, 5, NULL, NULL, 0, "with TLS but without client verification"));
	CHECK(tcp_high(unix_only, 1, "{\"hosts\":[\"tcp://0.0.0.0:2375\"]}", NULL, 0,
	    "tcp://0.0.0.0:2375 (daemon.json)"));
	CHECK(!tcp_high(unix_only, 1, "{\"hosts\":[\"tcp://0.0.0.0:2376\"],\"tls\":true,"
	    "\"tlsverify\":true}", NULL, 0, NULL));
	/* The command line's --tlsverify=false wins over daemon.json's true. */
	CHECK(tcp_high(noverify, 5, "{\"tlsverify\":true}", NULL, 0, NULL));
	/* Socket activation: only the listeners tell. */
	CHECK(tcp_high(fd, 5, NULL, listen, 2, "listening on 0.0.0.0:2375, [::]:2375"));
	CHECK(!tcp_high(fd, 5, NULL, NULL, 0, NULL));
	CHECK(!tcp_high(unix_only, 1, NULL, NULL, 0, NULL));
	CHECK_STR(audit_daemon_json_path(fd, 5), "/srv/daemon.json");
	CHECK_STR(audit_daemon_json_path(unix_only, 1), "/etc/docker/daemon.json");
	{
		const char *cf[] = { "dockerd", "--config-file=/x.json" };

		CHECK_STR(audit_daemon_json_path(cf, 2), "/x.json");
	}
}

static void
test_host_info(void)
{
	struct json_object *info = fixture(FIXTURES "info-tcp.json");
	struct json_object *version = fixture(FIXTURES "version.json");
	const char *argv[] = { "dockerd" };
	struct audit_host h;
	struct audit_list l = { 0 };

	/* dockerd not found: /info's warning still tells of the TCP API. */
	host_init(&h, argv, 1);
	h.dockerd_pid = 0;
	h.info = info;
	h.version = version;
	audit_host(&h, &l);
	CHECK(has_ev(&l, "daemon-tcp-without-tls", AUDIT_HIGH,
	    "/info: WARNING: API is accessible on http://127.0.0.1:24900 without encryption."));
	CHECK(find(&l, "daemon-unidentified", NULL) != NULL);
	CHECK(find(&l, "icc-enabled", NULL) == NULL); /* unknown without the command line */
	CHECK(has_ev(&l, "userns-disabled", AUDIT_LOW, "name=seccomp,profile=default"));
	CHECK_STR(find(&l, "userns-disabled", NULL)->cis, "2.9");
	CHECK(find(&l, "lsm-disabled", NULL) != NULL);
	CHECK(find(&l, "seccomp-disabled", NULL) == NULL);
	CHECK(has_ev(&l, "docker-version", AUDIT_INFO, "Docker 20.10.24+dfsg1 (API 1.41), "
	    "containerd 1.6.20~ds1, runc 1.1.5+ds1"));
	CHECK(has_ev(&l, "kernel-version", AUDIT_INFO, "Linux 6.18.44"));
	/* What the host is: its cgroup version and Docker's driver on it. */
	CHECK(has_ev(&l, "kernel-version", AUDIT_INFO, ", cgroup v1, cgroupfs driver"));
	audit_list_free(&l);
	json_object_put(info);

	info = json_tokener_parse("{\"SecurityOptions\":[\"name=apparmor\",\"name=seccomp,"
	    "profile=unconfined\",\"name=userns\"],\"KernelVersion\":\"6.1.0\"}");
	host_init(&h, argv, 1);
	h.info = info;
	h.daemon_json = "{\"icc\": false";
	audit_host(&h, &l);
	CHECK(find(&l, "userns-disabled", NULL) == NULL);
	CHECK(find(&l, "lsm-disabled", NULL) == NULL);
	CHECK(has_ev(&l, "seccomp-disabled", AUDIT_MEDIUM, "profile=unconfined"));
	CHECK(find(&l, "daemon-json-invalid", NULL) != NULL);
	CHECK(find(&l, "icc-enabled", "2.2") != NULL); /* the broken file says nothing */
	audit_list_free(&l);
	json_object_put(info);

	info = json_tokener_parse("{\"SecurityOptions\":[\"name=rootless\",\"name=selinux\"]}");
	host_init(&h, argv, 1);
	h.info = info;
	h.daemon_json = "{\"icc\": false}";
	audit_host(&h, &l);
	CHECK(find(&l, "userns-disabled", NULL) == NULL);
	CHECK(find(&l, "lsm-disabled", NULL) == NULL);
	CHECK(has_ev(&l, "seccomp-disabled", AUDIT_MEDIUM, "no seccomp"));
	CHECK(find(&l, "icc-enabled", NULL) == NULL);
	audit_list_free(&l);
	json_object_put(info);
	json_object_put(version);
}

static void
test_json(void)
{
	char ev[] = "ev";
	struct audit_finding f = { "docker-socket-mounted", AUDIT_HIGH, "5.32", ev, "fix" };
	struct audit_finding g = { "lsm-disabled", AUDIT_MEDIUM, NULL, ev, "fix" };
	struct json_object *o = audit_finding_json(&f, "abc", "web", "nginx"), *v;

	CHECK_STR(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"check\":\"docker-socket-mounted\",\"severity\":\"high\",\"container\":\"abc\","
	    "\"name\":\"web\",\"image\":\"nginx\",\"cis\":\"5.32\",\"evidence\":\"ev\","
	    "\"fix\":\"fix\"}");
	json_object_put(o);
	o = audit_finding_json(&g, NULL, NULL, NULL);
	CHECK(json_object_object_get_ex(o, "container", &v) && v == NULL);
	CHECK(json_object_object_get_ex(o, "cis", &v) && v == NULL);
	CHECK(!json_object_object_get_ex(o, "name", &v));
	json_object_put(o);
}

static void
test_tcp_lines(void)
{
	char addr[96];
	unsigned long ino;

	CHECK(posture_parse_tcp("   0: 0100007F:6164 00000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0", 0,
	    addr, sizeof(addr), &ino) == 1);
	CHECK_STR(addr, "127.0.0.1:24932");
	CHECK(ino == 12345);
	CHECK(posture_parse_tcp("   1: 0100007F:6164 0100007F:8E2A 01 00000000:00000000 "
	    "00:00000000 00000000     0        0 777 1", 0, addr, sizeof(addr), &ino) == 0);
	CHECK(posture_parse_tcp("  sl  local_address rem_address   st tx_queue rx_queue", 0,
	    addr, sizeof(addr), &ino) == 0);
	CHECK(posture_parse_tcp("   0: 00000000000000000000000000000000:0917 "
	    "00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000"
	    "     0        0 4242 1", 1, addr, sizeof(addr), &ino) == 1);
	CHECK_STR(addr, "[::]:2327");
	CHECK(posture_parse_tcp("   0: 00000000000000000000000001000000:1F90 "
	    "00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000"
	    "     0        0 4243 1", 1, addr, sizeof(addr), &ino) == 1);
	CHECK_STR(addr, "[::1]:8080");
}

static int posture_events, posture_high;

static void
sink(const struct gevent *e, void *arg)
{
	(void)arg;
	if (e->kind != GEV_POSTURE)
		return;
	posture_events++;
	if (strcmp(e->severity, "high") == 0 && strcmp(e->check, "docker-socket-mounted") == 0)
		posture_high++;
}

/* A real socket under a symlinked directory (/var/run -> /run), and the
 * continuous path: told once per finding, kept for the metrics. */
static void
test_real_socket(void)
{
	char dir[] = "/tmp/cgw-audit-XXXXXX", sock[100], link[100], via[160], which[160];
	char json[1024], name[] = "web", image[] = "nginx";
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct container c;
	const struct audit_finding *f;
	const struct audit_list *l;
	struct json_object *o;
	int fd, first;
	size_t n;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(sock, sizeof(sock), "%s/run", dir);
	mkdir(sock, 0755);
	snprintf(sock, sizeof(sock), "%s/run/docker.sock", dir);
	snprintf(link, sizeof(link), "%s/varrun", dir);
	CHECK(symlink("run", link) == 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	snprintf(via, sizeof(via), "%s/docker.sock", link);
	CHECK(posture_exposes(via, sock, which, sizeof(which)) == 1);
	CHECK_STR(which, sock);
	CHECK(posture_exposes(sock, via, which, sizeof(which)) == 1);
	CHECK(posture_exposes(link, sock, which, sizeof(which)) == 2);
	CHECK(posture_exposes(dir, sock, which, sizeof(which)) == 2);
	CHECK(posture_exposes("/", sock, which, sizeof(which)) == 2);
	CHECK(posture_exposes("/etc", sock, which, sizeof(which)) == 0);
	CHECK(posture_exposes("/nonexistent", sock, which, sizeof(which)) == 0);

	memset(&c, 0, sizeof(c));
	memcpy(c.id, "685ea877f0131041dab4a13a3cf55944573beb37c2c12b94902c3cc1bd3d88fb", 65);
	c.name = name;
	c.image = image;
	snprintf(json, sizeof(json), "{\"Name\":\"/web\",\"Config\":{\"Image\":\"nginx\"},"
	    "\"HostConfig\":{},\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"%s\","
	    "\"Destination\":\"/var/run/docker.sock\",\"RW\":true}]}", via);
	o = json_tokener_parse(json);
	events_subscribe(sink, NULL);
	posture_inspected(&c, o, sock);
	first = posture_events;
	CHECK(posture_high == 1 && first > 1);
	posture_inspected(&c, o, sock);
	CHECK(posture_events == first); /* nothing new: nothing told */
	l = posture_findings(c.id);
	n = l != NULL ? l->n : 0;
	f = l != NULL ? l->f : NULL;
	CHECK(n > 1 && f != NULL);
	CHECK(audit_has(l, "docker-socket-mounted"));
	events_unsubscribe(sink, NULL);
	json_object_put(o);
	posture_forget(c.id);
	CHECK(posture_findings(c.id) == NULL);
	close(fd);
	unlink(sock);
	unlink(link);
	snprintf(sock, sizeof(sock), "%s/run", dir);
	rmdir(sock);
	rmdir(dir);
}

int
main(void)
{
	test_socket_and_friends();
	test_symlink();
	test_privileged();
	test_clean();
	test_built();
	test_spec();
	test_host_socket();
	test_host_tcp();
	test_host_info();
	test_json();
	test_tcp_lines();
	test_real_socket();
	return unit_done("test_audit");
}
