/* Kubernetes containers: their cgroup paths read, their OCI bundles' annotations parsed. */
#include <fcntl.h>
#include <json.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "container.h"
#include "unit.h"
#include "xmalloc.h"

#define ID "2222222222222222222222222222222222222222222222222222222222222222"
#define UID "0b4f5e2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
#define UIDU "0b4f5e2a_1c2d_4e5f_8a9b_0c1d2e3f4a5b"

static int
path_is(const char *path, int rc, enum runtime rt, const char *uid)
{
	struct cpath p;
	int got = container_parse_path(path, &p);

	if (got != rc)
		return 0;
	if (rc < 0)
		return 1;
	return p.runtime == rt && strcmp(p.id, ID) == 0 && strcmp(p.pod_uid, uid) == 0;
}

static void
test_paths(void)
{
	/* Docker, both drivers */
	CHECK(path_is("docker/" ID, 0, RT_DOCKER, ""));
	CHECK(path_is("system.slice/docker-" ID ".scope", 0, RT_DOCKER, ""));
	CHECK(path_is("cgwarden-test-1/docker/" ID, 0, RT_DOCKER, ""));
	/* Podman, both managers; its conmon is no container */
	CHECK(path_is("machine.slice/libpod-" ID ".scope", 0, RT_PODMAN, ""));
	CHECK(path_is("libpod_parent/libpod-" ID, 0, RT_PODMAN, ""));
	CHECK(path_is("machine.slice/libpod-conmon-" ID ".scope", -1, RT_DOCKER, ""));
	/* containerd under the kubelet: systemd driver, burstable and guaranteed */
	CHECK(path_is("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UIDU
	    ".slice/cri-containerd-" ID ".scope", 0, RT_CONTAINERD, UID));
	CHECK(path_is("kubepods.slice/kubepods-pod" UIDU ".slice/cri-containerd-" ID ".scope",
	    0, RT_CONTAINERD, UID));
	/* cgroupfs driver: a bare id below a pod, both qos depths */
	CHECK(path_is("kubepods/besteffort/pod" UID "/" ID, 0, RT_CONTAINERD, UID));
	CHECK(path_is("kubepods/pod" UID "/" ID, 0, RT_CONTAINERD, UID));
	CHECK(path_is("/cgwarden-test-9/kubepods/burstable/pod" UID "/" ID, 0, RT_CONTAINERD,
	    UID));
	/* CRI-O, both drivers; its conmon is no container */
	CHECK(path_is("kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU
	    ".slice/crio-" ID ".scope", 0, RT_CRIO, UID));
	CHECK(path_is("kubepods/burstable/pod" UID "/crio-" ID, 0, RT_CRIO, UID));
	CHECK(path_is("kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU
	    ".slice/crio-conmon-" ID ".scope", -1, RT_DOCKER, ""));
	/* no id, or a pod slice itself */
	CHECK(path_is("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UIDU
	    ".slice", -1, RT_DOCKER, ""));
	CHECK(path_is("system.slice/docker-abc.scope", -1, RT_DOCKER, ""));
	/* a "pod" outside kubepods is no pod */
	CHECK(path_is("pod12/docker/" ID, 0, RT_DOCKER, ""));
	CHECK_STR(container_runtime_name(RT_CRIO), "crio");
	CHECK_STR(container_runtime_name(RT_PODMAN), "podman");
}

static char *
slurp(const char *path, size_t *len)
{
	char *buf = xmalloc(BUNDLE_MAX);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, BUNDLE_MAX);

	if (fd >= 0)
		close(fd);
	*len = n > 0 ? (size_t)n : 0;
	return buf;
}

static void
test_parse(void)
{
	struct bundle_meta m;
	char err[128], *j;
	const char *t;
	size_t len;

	j = slurp("tests/unit/fixtures/bundle/containerd-container.json", &len);
	CHECK(bundle_parse(j, len, RT_CONTAINERD, &m, err, sizeof(err)) == 0);
	CHECK_STR(m.image, "registry.example.com/team/app:2");
	CHECK_STR(m.name, "app");
	CHECK_STR(m.namespace, "team-a");
	CHECK_STR(m.pod, "web-0");
	CHECK_STR(m.pod_uid, UID);
	CHECK(m.sandbox == 0);
	CHECK(strncmp(m.cgroups_path, "kubepods-burstable-pod", 22) == 0);
	/* the same file read as CRI-O's: none of its annotations */
	CHECK(bundle_parse(j, len, RT_CRIO, &m, err, sizeof(err)) == 0);
	CHECK(m.image[0] == '\0' && m.namespace[0] == '\0' && !m.sandbox);
	free(j);

	j = slurp("tests/unit/fixtures/bundle/containerd-sandbox.json", &len);
	CHECK(bundle_parse(j, len, RT_CONTAINERD, &m, err, sizeof(err)) == 0);
	CHECK(m.sandbox == 1);
	CHECK(m.image[0] == '\0');
	CHECK_STR(m.pod, "web-0");
	free(j);

	j = slurp("tests/unit/fixtures/bundle/crio-container.json", &len);
	CHECK(bundle_parse(j, len, RT_CRIO, &m, err, sizeof(err)) == 0);
	CHECK_STR(m.image, "docker.io/library/nginx:1.25");
	CHECK_STR(m.name, "app"); /* the pod spec's name, not CRI-O's k8s_app_... */
	CHECK_STR(m.namespace, "team-a");
	CHECK_STR(m.pod, "web-0");
	CHECK(m.sandbox == 0);
	free(j);

	/* CRI-O without io.kubernetes.pod.name: the pod from SandboxName */
	t = "{\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"sandbox\","
	    "\"io.kubernetes.cri-o.SandboxName\":\"k8s_web-1_ns_u_0\"}}";
	CHECK(bundle_parse(t, strlen(t), RT_CRIO, &m, err, sizeof(err)) == 0);
	CHECK(m.sandbox == 1);
	CHECK_STR(m.pod, "k8s_web-1_ns_u_0");
	t = "{\"annotations\":{\"io.kubernetes.cri-o.ContainerName\":\"k8s_c_p_n_u_0\"}}";
	CHECK(bundle_parse(t, strlen(t), RT_CRIO, &m, err, sizeof(err)) == 0);
	CHECK_STR(m.name, "k8s_c_p_n_u_0");

	/* wrong types are absent; bad JSON, a non-object, truncation fail */
	t = "{\"annotations\":{\"io.kubernetes.cri.image-name\":7,"
	    "\"io.kubernetes.cri.container-type\":[\"sandbox\"]},\"linux\":[]}";
	CHECK(bundle_parse(t, strlen(t), RT_CONTAINERD, &m, err, sizeof(err)) == 0);
	CHECK(m.image[0] == '\0' && !m.sandbox && m.cgroups_path[0] == '\0');
	t = "{\"annotations\":";
	CHECK(bundle_parse(t, strlen(t), RT_CONTAINERD, &m, err, sizeof(err)) < 0);
	CHECK(bundle_parse("[1]", 3, RT_CONTAINERD, &m, err, sizeof(err)) < 0);
	CHECK(bundle_parse("x", 1, RT_CONTAINERD, &m, err, sizeof(err)) < 0);
	/* an over-long annotation is cut, never overflows */
	{
		char *big = xmalloc(8192);

		strcpy(big, "{\"annotations\":{\"io.kubernetes.cri.sandbox-name\":\"");
		size_t at = strlen(big);

		memset(big + at, 'a', 4000);
		strcpy(big + at + 4000, "\"}}");
		CHECK(bundle_parse(big, strlen(big), RT_CONTAINERD, &m, err, sizeof(err)) == 0);
		CHECK(strlen(m.pod) == sizeof(m.pod) - 1);
		free(big);
	}
}

static void
put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
}

/* The two layouts on disk, and the container's fields set from them. */
static void
test_read(void)
{
	char root[] = "/tmp/cgw-bundle-XXXXXX", p[512], err[128];
	struct bundle_meta m;
	struct container c;
	struct json_object *spec;

	if (mkdtemp(root) == NULL)
		abort();
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task/moby", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task/k8s.io", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task/k8s.io/" ID, root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task/k8s.io/" ID "/config.json", root);
	put(p, "{\"annotations\":{\"io.kubernetes.cri.image-name\":\"busybox:1\","
	    "\"io.kubernetes.cri.sandbox-namespace\":\"ns\",\"io.kubernetes.cri.sandbox-name\":\"p\"}}");
	CHECK(bundle_read(root, RT_CONTAINERD, ID, &m, NULL, err, sizeof(err)) == 0);
	CHECK_STR(m.image, "busybox:1");
	CHECK(bundle_read(root, RT_CONTAINERD, "33" ID, &m, NULL, err, sizeof(err)) == 1);
	CHECK(bundle_read(root, RT_CRIO, ID, &m, NULL, err, sizeof(err)) == 1);
	CHECK(bundle_read("", RT_CONTAINERD, ID, &m, NULL, err, sizeof(err)) == 1);
	CHECK(bundle_read("/nonexistent", RT_CONTAINERD, ID, &m, NULL, err, sizeof(err)) == 1);

	memset(&c, 0, sizeof(c));
	memcpy(c.id, ID, sizeof(c.id));
	c.runtime = RT_CONTAINERD;
	CHECK(bundle_lookup(&c, root, NULL) == 1);
	CHECK_STR(c.image, "busybox:1");
	CHECK_STR(c.namespace, "ns");
	CHECK_STR(c.pod, "p");
	CHECK(c.name == NULL && c.meta == META_BUNDLE && !c.sandbox);
	CHECK(bundle_lookup(&c, root, NULL) == 0); /* nothing new */
	/* Asked for, the whole spec comes too (the audit reads it); none without a bundle. */
	spec = NULL;
	CHECK(bundle_lookup(&c, root, &spec) == 0 && spec != NULL &&
	    json_object_is_type(spec, json_type_object) &&
	    json_object_object_get_ex(spec, "annotations", NULL));
	json_object_put(spec);
	spec = (struct json_object *)1;
	CHECK(bundle_read(root, RT_CONTAINERD, "33" ID, &m, &spec, err, sizeof(err)) == 1 &&
	    spec == NULL);
	free(c.image);
	free(c.namespace);
	free(c.pod);
	unlink(p);
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task/k8s.io/" ID, root);
	rmdir(p);

	/* CRI-O: <storage>/<driver>-containers/<id>/userdata/config.json */
	snprintf(p, sizeof(p), "%s/overlay-containers", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/overlay-containers/" ID, root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/overlay-containers/" ID "/userdata", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/overlay-containers/" ID "/userdata/config.json", root);
	put(p, "{\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"sandbox\"}}");
	CHECK(bundle_read(root, RT_CRIO, ID, &m, NULL, err, sizeof(err)) == 0 && m.sandbox);
	put(p, "{\"annotations\":");
	CHECK(bundle_read(root, RT_CRIO, ID, &m, NULL, err, sizeof(err)) == -1);
	CHECK(strstr(err, "not JSON") != NULL);
	unlink(p);
	snprintf(p, sizeof(p), "%s/overlay-containers/" ID "/userdata", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/overlay-containers/" ID, root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/overlay-containers", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task/k8s.io", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task/moby", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task", root);
	rmdir(p);
	rmdir(root);
}

int
main(void)
{
	test_paths();
	test_parse();
	test_read();
	return unit_done("test_bundle");
}
