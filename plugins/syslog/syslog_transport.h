/* SPDX-License-Identifier: MIT */
/*
 * The four ways to a syslog server, on the sink's thread: a unix datagram
 * socket (/dev/log), UDP, TCP with octet-counting framing (RFC 6587 3.4.1)
 * and TLS over TCP (RFC 5425, same framing). Sockets have send timeouts so
 * a stalled server never holds the thread past close_timeout for long.
 */
#ifndef SYSLOG_TRANSPORT_H
#define SYSLOG_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "msgbuf.h"
#include "syslog_tls.h"

enum syslog_transport_kind {
        SYSLOG_UNIX = 0,
        SYSLOG_UDP = 1,
        SYSLOG_TCP = 2,
        SYSLOG_TLS = 3,
};

struct syslog_transport {
        enum syslog_transport_kind kind;
        const char *path; /* SYSLOG_UNIX */
        const char *host; /* the others */
        char port[8];
        struct syslog_tls_config tls;
        struct syslog_tls_creds *creds; /* SYSLOG_TLS */

        int fd;
        struct syslog_tls *session; /* SYSLOG_TLS */
        struct msgbuf frame;        /* "LEN SP MSG" for the stream transports */
};

/* The netsink_transport callbacks; ctx is a struct syslog_transport. */
int syslog_transport_connect(void *ctx, char *why, size_t why_size);
void syslog_transport_disconnect(void *ctx);
void syslog_transport_free(struct syslog_transport *t);

struct nmsg;
int syslog_transport_send(void *ctx, const struct nmsg *m, char *why, size_t why_size);

#endif /* SYSLOG_TRANSPORT_H */
