/* The Docker Engine API: who a container is (name, image), and its events. */
#ifndef CGW_DOCKER_H
#define CGW_DOCKER_H
#include <stddef.h>
#include <stdint.h>

#include "container.h"

struct event_base;
struct httpc;
struct json_object;
struct docker;

/* What inspect (or the on-disk config) says of a container. */
struct docker_meta {
	char name[256];
	char image[512];
	int64_t pids_limit;  /* HostConfig.PidsLimit; <= 0: none */
	int64_t memory;      /* HostConfig.Memory; 0: none */
	int64_t nano_cpus;   /* HostConfig.NanoCpus; 0: none */
};

/* The container's name and image changed: decide on it again. */
typedef void (*docker_meta_cb)(struct container *, void *arg);
/* A Docker event that asks for a decision now (start, update). */
typedef void (*docker_event_cb)(struct container *, const char *action, void *arg);
/* A GET /containers/{id}/json reply, parsed (borrowed for the call). */
typedef void (*docker_inspect_cb)(struct container *, struct json_object *, void *arg);

/* A POST finished: ok, or not with Docker's reason. */
typedef void (*docker_done_cb)(int ok, const char *err, void *arg);

/* rt: the runtime whose containers it asks about (RT_DOCKER, or RT_PODMAN's compatible API). */
struct docker *docker_new(struct event_base *, struct httpc *, enum runtime, const char *socket,
    const char *data_root, struct ctable *, docker_meta_cb, docker_event_cb, void *arg);
void docker_free(struct docker *);
void docker_on_inspect(struct docker *, docker_inspect_cb, void *arg);
/*
 * For a container Docker describes in more than the inspect cap (its
 * labels, mostly, which no limit of Docker's bounds): what the audit
 * checks, read from its hostconfig.json (no labels there) as an inspect
 * of its HostConfig and Mounts, marked "cgwarden.partial" so that the
 * audit says what was not read.  NULL where there is no such file, or it
 * is too large as well.
 */
struct json_object *docker_stand_in(const char *data_root, const char *id);
void docker_lookup(struct docker *, struct container *);
int docker_post(struct docker *, const char *id, const char *verb, docker_done_cb,
    void *arg);
int docker_up(const struct docker *);
/* An inspect reply says State.Paused: Docker's pause holds the container. */
int docker_inspect_paused(struct json_object *inspect);

int docker_parse_inspect(const char *json, size_t len, struct docker_meta *,
    char *err, size_t errlen);
int docker_parse_event(const char *json, size_t len, char *action, size_t alen,
    char id[ID_LEN + 1], struct docker_meta *);

#endif
