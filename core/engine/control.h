/* SPDX-License-Identifier: MIT */
/*
 * The control socket: a unix stream socket (mode 0600) on which a running
 * instance answers `list` with a JSON description of its probes and sinks.
 * One request line, one reply, then the connection closes.
 */
#ifndef PK_CORE_CONTROL_H
#define PK_CORE_CONTROL_H

struct run;
struct strbuf;

/* Listen on `path`; returns the fd or -errno (a warning says why). */
int control_listen(const char *path);
/* Accept and answer one client. */
void control_serve(int listen_fd, struct run *run);
void control_unlink(const char *path);

/* The replies to `list json` and `list text`. */
void control_describe(const struct run *run, struct strbuf *out);
void control_describe_table(const struct run *run, struct strbuf *out);

/* Client side: send `request`, read the whole reply into `out`. 0 or -errno. */
int control_request(const char *path, const char *request, struct strbuf *out);

#endif
