/* SPDX-License-Identifier: MIT */
/*
 * The /metrics endpoint: libmicrohttpd in its external epoll mode. The
 * daemon's own epoll descriptor joins probekit's loop; when it is ready, or
 * when the timeout libmicrohttpd asked for has passed, metrics_server_after_wait() lets
 * libmicrohttpd accept, read and write without blocking. No thread: the
 * scrape is rendered in the loop, from the same counters `list` shows.
 */
#ifndef PK_METRICS_SERVER_H
#define PK_METRICS_SERVER_H

#include <stdbool.h>
#include <stdint.h>

struct metrics_server;
struct run;

/*
 * Listen on `address` (see metrics_address.h). Returns NULL with the
 * reason logged when the address is bad or cannot be bound.
 */
struct metrics_server *metrics_server_start(const char *address, const struct run *run);
/* The descriptor to watch for EPOLLIN in the loop. */
int metrics_server_fd(const struct metrics_server *server);
/*
 * The longest the loop may sleep in epoll_wait() now: -1 for as long as it
 * likes, 0 for not at all. A NULL server: -1.
 */
int metrics_server_timeout_ms(struct metrics_server *server);
/*
 * After each epoll_wait(): when the server's descriptor was ready or its
 * timeout has passed, do what is pending (accept, read requests, render,
 * send) without blocking. Otherwise nothing, so a ring buffer firehose does
 * not pay a system call per wakeup for an idle endpoint. NULL: nothing.
 */
void metrics_server_after_wait(struct metrics_server *server, bool ready);
void metrics_server_stop(struct metrics_server *server);

#endif
