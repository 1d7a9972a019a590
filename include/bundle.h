/*
 * Who a Kubernetes container is, from its OCI bundle: the annotations
 * containerd's CRI plugin and CRI-O write into the config.json the
 * runtime is started with.  No gRPC: a file read when its cgroup appears.
 */
#ifndef CGW_BUNDLE_H
#define CGW_BUNDLE_H
#include <stddef.h>

#include "container.h"

struct json_object;

#define BUNDLE_MAX (1u << 20) /* bytes of one config.json */

struct bundle_meta {
	char name[256];      /* the container's name in its pod */
	char image[512];
	char namespace[256]; /* the pod's Kubernetes namespace */
	char pod[256];       /* the pod's name */
	char pod_uid[64];
	char cgroups_path[1024]; /* linux.cgroupsPath, as the runtime was given it */
	int sandbox;         /* the pod's sandbox (pause) container */
};

/*
 * Reads the annotations of a bundle's config.json, those of containerd
 * (RT_CONTAINERD: io.kubernetes.cri.*) or CRI-O (RT_CRIO:
 * io.kubernetes.cri-o.*): 0, or -1 with err set.  Absent annotations are
 * empty fields; wrong types count as absent.
 */
int bundle_parse(const char *json, size_t len, enum runtime, struct bundle_meta *,
    char *err, size_t errlen);
/*
 * Finds and reads the bundle of container id: containerd's
 * <root>/io.containerd.runtime.v2.task/<namespace>/<id>/config.json, or
 * CRI-O's <root>/<driver>-containers/<id>/userdata/config.json.  0; 1
 * when there is none; -1 with err set when one is there but bad.  With
 * spec, the whole config.json too, the caller's to put (NULL but at 0).
 */
int bundle_read(const char *root, enum runtime, const char *id, struct bundle_meta *,
    struct json_object **spec, char *err, size_t errlen);
/*
 * The runtime client of containerd's and CRI-O's containers: who c is,
 * from its bundle under root (its runtime's), set on it (name, image,
 * namespace, pod, sandbox).  1 when that changed what was known, else 0.
 * With spec, its config.json as read (for the audit), the caller's to put,
 * or NULL.
 */
int bundle_lookup(struct container *, const char *root, struct json_object **spec);

#endif
