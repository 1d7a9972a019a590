/*
 * OCI bundles of Kubernetes containers (containerd, CRI-O): the pod, the
 * namespace, the image and whether it is the pod's sandbox, from the
 * annotations of config.json.  What is in there was written by whoever
 * created the pod: parsed with a depth cap and a length cap, never
 * trusted beyond strings.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "log.h"
#include "xmalloc.h"

#define CONTAINERD_TASKS "io.containerd.runtime.v2.task"

/* The annotation names of one runtime, in the order of struct keys. */
struct keys {
	const char *image, *type, *name, *pod, *namespace, *uid, *sandbox_value;
	const char *pod_fallback;  /* CRI-O's SandboxName is k8s_<pod>_<ns>_<uid>_<n> */
	const char *name_fallback; /* CRI-O's ContainerName is k8s_<name>_<pod>_... */
};

static const struct keys containerd_keys = {
	"io.kubernetes.cri.image-name", "io.kubernetes.cri.container-type",
	"io.kubernetes.cri.container-name", "io.kubernetes.cri.sandbox-name",
	"io.kubernetes.cri.sandbox-namespace", "io.kubernetes.cri.sandbox-uid",
	"sandbox", NULL, NULL,
};

static const struct keys crio_keys = {
	"io.kubernetes.cri-o.ImageName", "io.kubernetes.cri-o.ContainerType",
	"io.kubernetes.container.name", "io.kubernetes.pod.name",
	"io.kubernetes.cri-o.Namespace", "io.kubernetes.pod.uid",
	"sandbox", "io.kubernetes.cri-o.SandboxName", "io.kubernetes.cri-o.ContainerName",
};

static void
take(struct json_object *ann, const char *key, char *dst, size_t len)
{
	struct json_object *v;

	if (key != NULL && json_object_object_get_ex(ann, key, &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(dst, len, "%s", json_object_get_string(v));
}

/* The text as a JSON object, depth-capped: NULL with err set. */
static struct json_object *
parse_text(const char *json, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *o;

	if (len > BUNDLE_MAX || len > (size_t)INT32_MAX) {
		snprintf(err, errlen, "config.json larger than %u bytes", BUNDLE_MAX);
		return NULL;
	}
	if ((tok = json_tokener_new_ex(32)) == NULL)
		fatalx("out of memory");
	o = json_tokener_parse_ex(tok, json, (int)len);
	if (o == NULL)
		snprintf(err, errlen, "not JSON: %s",
		    json_tokener_error_desc(json_tokener_get_error(tok)));
	json_tokener_free(tok);
	if (o != NULL && !json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "not a JSON object");
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* What the spec's annotations and cgroupsPath say. */
static void
meta_of(struct json_object *o, enum runtime rt, struct bundle_meta *m)
{
	const struct keys *k = rt == RT_CRIO ? &crio_keys : &containerd_keys;
	struct json_object *ann = NULL, *linux_, *cp;
	char type[64] = "";

	if (json_object_object_get_ex(o, "linux", &linux_) &&
	    json_object_is_type(linux_, json_type_object) &&
	    json_object_object_get_ex(linux_, "cgroupsPath", &cp) &&
	    json_object_is_type(cp, json_type_string))
		snprintf(m->cgroups_path, sizeof(m->cgroups_path), "%s",
		    json_object_get_string(cp));
	if (json_object_object_get_ex(o, "annotations", &ann) &&
	    json_object_is_type(ann, json_type_object)) {
		take(ann, k->image, m->image, sizeof(m->image));
		take(ann, k->type, type, sizeof(type));
		take(ann, k->name, m->name, sizeof(m->name));
		take(ann, k->pod, m->pod, sizeof(m->pod));
		take(ann, k->namespace, m->namespace, sizeof(m->namespace));
		take(ann, k->uid, m->pod_uid, sizeof(m->pod_uid));
		if (m->pod[0] == '\0')
			take(ann, k->pod_fallback, m->pod, sizeof(m->pod));
		if (m->name[0] == '\0')
			take(ann, k->name_fallback, m->name, sizeof(m->name));
		m->sandbox = strcmp(type, k->sandbox_value) == 0;
	}
}

int
bundle_parse(const char *json, size_t len, enum runtime rt, struct bundle_meta *m,
    char *err, size_t errlen)
{
	struct json_object *o;

	memset(m, 0, sizeof(*m));
	if ((o = parse_text(json, len, err, errlen)) == NULL)
		return -1;
	meta_of(o, rt, m);
	json_object_put(o);
	return 0;
}

/* Reads one config.json: 0, 1 when it is not there, -1 with err set. */
static int
read_one(const char *path, enum runtime rt, struct bundle_meta *m, struct json_object **spec,
    char *err, size_t errlen)
{
	struct json_object *o;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = xmalloc(BUNDLE_MAX + 1);
	while (got <= BUNDLE_MAX && (n = read(fd, buf + got, BUNDLE_MAX + 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	o = parse_text(buf, got, err, errlen);
	free(buf);
	if (o == NULL)
		return -1;
	meta_of(o, rt, m);
	if (spec != NULL)
		*spec = o;
	else
		json_object_put(o);
	return 0;
}

int
bundle_read(const char *root, enum runtime rt, const char *id, struct bundle_meta *m,
    struct json_object **spec, char *err, size_t errlen)
{
	char dir[4096], path[4096 + 512];
	struct dirent *de;
	int rc = 1;
	DIR *d;

	memset(m, 0, sizeof(*m));
	if (spec != NULL)
		*spec = NULL;
	if (root == NULL || *root == '\0' || strlen(id) != ID_LEN || strchr(id, '/'))
		return 1;
	if ((rt != RT_CONTAINERD && rt != RT_CRIO) ||
	    snprintf(dir, sizeof(dir), "%s%s", root, rt == RT_CONTAINERD ?
	    "/" CONTAINERD_TASKS : "") >= (int)sizeof(dir))
		return 1;
	if ((d = opendir(dir)) == NULL)
		return 1;
	/* containerd: one directory per namespace (k8s.io); CRI-O: per storage driver. */
	while (rc == 1 && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		if (rt == RT_CONTAINERD)
			snprintf(path, sizeof(path), "%s/%s/%s/config.json", dir, de->d_name, id);
		else if (len > 11 && strcmp(de->d_name + len - 11, "-containers") == 0)
			snprintf(path, sizeof(path), "%s/%s/%s/userdata/config.json", dir,
			    de->d_name, id);
		else
			continue;
		rc = read_one(path, rt, m, spec, err, errlen);
	}
	closedir(d);
	return rc;
}

static void
set_field(char **dst, const char *v, int *changed)
{
	if (*v == '\0' && *dst == NULL)
		return;
	if (*dst != NULL && strcmp(*dst, v) == 0)
		return;
	free(*dst);
	*dst = *v ? xstrdup(v) : NULL;
	*changed = 1;
}

int
bundle_lookup(struct container *c, const char *root, struct json_object **spec)
{
	struct bundle_meta m;
	char err[256];
	int rc, changed = 0;

	if ((rc = bundle_read(root, c->runtime, c->id, &m, spec, err, sizeof(err))) < 0) {
		log_warnx("container %.12s: its OCI bundle is rejected: %s", c->id, err);
		return 0;
	}
	if (rc > 0) {
		log_debug("container %.12s: no OCI bundle of %s under %s", c->id,
		    container_runtime_name(c->runtime), root);
		return 0;
	}
	set_field(&c->name, m.name, &changed);
	set_field(&c->image, m.image, &changed);
	set_field(&c->namespace, m.namespace, &changed);
	set_field(&c->pod, m.pod, &changed);
	if (c->pod_uid == NULL && m.pod_uid[0] != '\0') {
		c->pod_uid = xstrdup(m.pod_uid);
		changed = 1;
	}
	if (c->sandbox != m.sandbox)
		changed = 1;
	c->sandbox = (uint8_t)m.sandbox;
	c->meta = META_BUNDLE;
	return changed;
}
