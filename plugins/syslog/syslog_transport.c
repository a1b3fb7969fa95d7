/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE

#include "syslog_transport.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "netsink.h"

#define CONNECT_TIMEOUT_MS 2000
#define SEND_TIMEOUT_MS    2000

static void set_send_timeout(int fd)
{
        struct timeval tv = {.tv_sec = SEND_TIMEOUT_MS / 1000,
                             .tv_usec = (SEND_TIMEOUT_MS % 1000) * 1000};

        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int connect_unix(struct syslog_transport *t, char *why, size_t why_size)
{
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        int fd;

        if (strlen(t->path) >= sizeof(addr.sun_path)) {
                snprintf(why, why_size, "%s: path too long", t->path);
                return -ENAMETOOLONG;
        }
        strcpy(addr.sun_path, t->path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
                int err = -errno;

                snprintf(why, why_size, "%s: %s", t->path, strerror(-err));
                close(fd);
                return err;
        }
        set_send_timeout(fd);
        t->fd = fd;
        return 0;
}

/* connect() within CONNECT_TIMEOUT_MS on a non-blocking socket. */
static int connect_timed(int fd, const struct sockaddr *addr, socklen_t len)
{
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int err = 0;
        socklen_t err_len = sizeof(err);

        if (connect(fd, addr, len) == 0)
                return 0;
        if (errno != EINPROGRESS)
                return -errno;
        if (poll(&pfd, 1, CONNECT_TIMEOUT_MS) <= 0)
                return -ETIMEDOUT;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len))
                return -errno;
        return -err;
}

static int connect_inet(struct syslog_transport *t, char *why, size_t why_size)
{
        struct addrinfo hints = {.ai_family = AF_UNSPEC}, *res = NULL, *ai;
        bool stream = t->kind != SYSLOG_UDP;
        int rc, err = -ECONNREFUSED;

        hints.ai_socktype = stream ? SOCK_STREAM : SOCK_DGRAM;
        rc = getaddrinfo(t->host, t->port, &hints, &res);
        if (rc) {
                snprintf(why, why_size, "%s: %s", t->host, gai_strerror(rc));
                return -EHOSTUNREACH;
        }
        for (ai = res; ai; ai = ai->ai_next) {
                int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                                ai->ai_protocol);

                if (fd < 0) {
                        err = -errno;
                        continue;
                }
                err = connect_timed(fd, ai->ai_addr, ai->ai_addrlen);
                if (err == 0) {
                        /* blocking from here, bounded by the send timeout */
                        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
                        set_send_timeout(fd);
                        t->fd = fd;
                        break;
                }
                close(fd);
        }
        freeaddrinfo(res);
        if (err)
                snprintf(why, why_size, "%s port %s: %s", t->host, t->port, strerror(-err));
        return err;
}

int syslog_transport_connect(void *ctx, char *why, size_t why_size)
{
        struct syslog_transport *t = ctx;
        int rc;

        t->fd = -1;
        if (t->kind == SYSLOG_UNIX)
                return connect_unix(t, why, why_size);
        rc = connect_inet(t, why, why_size);
        if (rc || t->kind != SYSLOG_TLS)
                return rc;
        rc = syslog_tls_start(&t->session, t->fd, t->creds, &t->tls, CONNECT_TIMEOUT_MS, why,
                              why_size);
        if (rc) {
                close(t->fd);
                t->fd = -1;
        }
        return rc;
}

void syslog_transport_disconnect(void *ctx)
{
        struct syslog_transport *t = ctx;

        syslog_tls_end(t->session);
        t->session = NULL;
        if (t->fd >= 0)
                close(t->fd);
        t->fd = -1;
}

void syslog_transport_free(struct syslog_transport *t)
{
        syslog_transport_disconnect(t);
        syslog_tls_creds_free(t->creds);
        t->creds = NULL;
        msgbuf_free(&t->frame);
}

/*
 * Whether the server closed the connection: a stream server sends nothing,
 * so anything readable is its end (EOF or reset). Checked before each send,
 * so a server that went away is noticed before a record is written into a
 * dead connection, not one record later.
 */
static bool peer_closed(int fd)
{
        struct pollfd pfd = {.fd = fd, .events = POLLIN | POLLRDHUP};

        return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR));
}

static int send_all(int fd, const char *data, size_t len, char *why, size_t why_size)
{
        size_t done = 0;

        while (done < len) {
                ssize_t n = send(fd, data + done, len - done, MSG_NOSIGNAL);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int err = errno == EAGAIN ? ETIMEDOUT : errno;

                        snprintf(why, why_size, "send: %s", strerror(err));
                        return -err;
                }
                done += (size_t)n;
        }
        return 0;
}

static int send_datagram(struct syslog_transport *t, const struct nmsg *m, char *why,
                         size_t why_size)
{
        ssize_t n = send(t->fd, nmsg_body(m), m->len, MSG_NOSIGNAL);

        if (n >= 0)
                return 0;
        if (errno == EMSGSIZE) {
                snprintf(why, why_size, "%zu bytes do not fit in one datagram", m->len);
                return -EMSGSIZE;
        }
        if (errno == EAGAIN || errno == ENOBUFS)
                return -EAGAIN; /* the server's buffer is full: try again shortly */
        snprintf(why, why_size, "send: %s", strerror(errno));
        return -errno;
}

int syslog_transport_send(void *ctx, const struct nmsg *m, char *why, size_t why_size)
{
        struct syslog_transport *t = ctx;

        if (t->kind == SYSLOG_UNIX || t->kind == SYSLOG_UDP)
                return send_datagram(t, m, why, why_size);
        if (peer_closed(t->fd)) {
                snprintf(why, why_size, "the server closed the connection");
                return -EPIPE;
        }
        /* RFC 6587 octet counting: "MSG-LEN SP SYSLOG-MSG" */
        msgbuf_reset(&t->frame);
        msgbuf_printf(&t->frame, "%zu ", m->len);
        msgbuf_append(&t->frame, nmsg_body(m), m->len);
        if (t->frame.failed)
                return -EAGAIN;
        if (t->kind == SYSLOG_TLS)
                return syslog_tls_send(t->session, t->frame.data, t->frame.len, why, why_size);
        return send_all(t->fd, t->frame.data, t->frame.len, why, why_size);
}
