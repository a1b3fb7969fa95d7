/* SPDX-License-Identifier: MIT */
/*
 * The control socket: a unix stream socket (mode 0600, peers checked to be
 * root or our own user) on which a running instance answers one request line
 * per connection:
 *
 *     COMMAND [text|json] [ARGUMENT...]\n
 *
 * with a status line, "ok" or "error", then the command's reply, and closes.
 * The server never blocks the loop: connections are non-blocking, each lives
 * in the control's own epoll set, a request has one deadline from accept to
 * the last byte of its reply, and the number of connections is capped.
 * Commands are a table (control_commands.c): name -> handler.
 */
#ifndef PK_CORE_CONTROL_H
#define PK_CORE_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

struct run;
struct strbuf;

/* A request is refused past this many bytes; a command's reply is not capped. */
#define CONTROL_MAX_REQUEST 1024
/* Connections served at once; one more is told "too many connections" and closed. */
#define CONTROL_MAX_CONNECTIONS 64
/* From accept to the reply's last byte sent. */
#define CONTROL_REQUEST_DEADLINE_MS 2000

struct control_server;

/*
 * Listen on `path`. An existing `path` is removed only when it is a socket on
 * which nobody answers; a path in use, a regular file or anything else is
 * refused (the message says why). 0 or -errno: -EADDRINUSE when another
 * instance answers there, -EEXIST when the path is not a socket.
 */
int control_server_open(const char *path, struct run *run, struct control_server **out);
/* One descriptor (an epoll set) for the loop: readable when a client needs service. */
int control_server_fd(const struct control_server *server);
/* Serve whatever is ready, without blocking. */
void control_server_dispatch(struct control_server *server);
/* Close connections past their deadline (call at least every few hundred ms). */
void control_server_expire(struct control_server *server, uint64_t now_ns);
/* Close every connection and the socket, and remove the socket's path. NULL is fine. */
void control_server_close(struct control_server *server);
/* Connections open now (for tests and `stats`). */
unsigned control_server_connections(const struct control_server *server);

/*
 * Client side: send `request` (one line, no newline), wait at most
 * `timeout_ms` for the whole reply. Returns 0 with the reply's body in
 * `out` and *failed set when the instance answered "error", or -errno
 * (-ENOENT/-ECONNREFUSED: nobody there, -ENODATA: closed without answering,
 * -ETIMEDOUT).
 */
int control_request(const char *path, const char *request, int timeout_ms, struct strbuf *out,
                    bool *failed);

#endif
