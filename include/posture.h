/*
 * Security posture, the part with I/O: `cgwardenctl audit` through the
 * daemon (the Docker API asked asynchronously, the host read from /proc),
 * and the checks of every container Docker says started, told as events.
 * The checks themselves are audit.c's.
 */
#ifndef CGW_POSTURE_H
#define CGW_POSTURE_H
#include <stddef.h>

#include "container.h"

struct audit_list;
struct httpc;
struct ctl_client;
struct json_object;
struct posture;

struct posture *posture_new(struct httpc *, struct ctable *);
/* Also drops the findings of every container. */
void posture_free(struct posture *);
/*
 * Starts an audit for a control client and returns NULL: the reply (a
 * JSON array of findings, or {"error": ...}) follows when Docker has
 * answered.  Returns an error reply at once when it cannot start.
 */
char *posture_audit(struct posture *, struct ctl_client *, const char *docker_socket,
    const char *docker_data_root);
/* Docker described a container: check it, tell the findings it did not have. */
int posture_inspected(const struct container *, struct json_object *inspect,
    const char *docker_socket);
/*
 * containerd or CRI-O's OCI spec of a container (its bundle's config.json),
 * sock that runtime's socket: the same checks and return; a sandbox is not checked.
 */
int posture_spec(const struct container *, struct json_object *spec, const char *sock);
/*
 * The findings of the container's last inspect (start, update,
 * reconnect), NULL when none yet: for the metrics exporter,
 * cgwarden_posture_findings{id,name,image,check,severity}.  Valid until
 * its next inspect or posture_forget().
 */
const struct audit_list *posture_findings(const char *id);
/* The container is gone: its findings go with it. */
void posture_forget(const char *id);
/*
 * Does a bind mount of the host path expose the Docker socket (sock, or
 * /run/docker.sock): 0 no, 1 it is the socket (through any symlink), 2 a
 * directory holding it; which gets the socket's path.
 */
int posture_exposes(const char *path, const char *sock, char *which, size_t len);
/* One line of /proc/net/tcp{,6}: 1 with "addr:port" and the inode when it listens. */
int posture_parse_tcp(const char *line, int v6, char *addr, size_t len,
    unsigned long *inode);

#endif
