/* The CLI's side of the control socket: requests, replies and their fields. */
#ifndef CGWARDEN_CLIENT_H
#define CGWARDEN_CLIENT_H

struct json_object;

/* Connects and sends one request line: the socket, or exits 2. */
int send_request(const char *sock, const char *line);
/* Sends one request line to the daemon and returns its whole reply, or exits 2. */
char *request(const char *sock, const char *line);
/* The reply as JSON; an {"error": …} reply is printed and exits with status. */
struct json_object *parse_reply_or(const char *reply, int status);
/* The reply as JSON; an {"error": …} reply is printed and exits 1. */
struct json_object *parse_reply(const char *reply);
/* The string value of key in o, or dflt when it is missing or null. */
const char *text(struct json_object *o, const char *key, const char *dflt);
/* Escapes every string of the tree in place, for printing to a terminal. */
void client_vis_tree(struct json_object *o);

#endif
