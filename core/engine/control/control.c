// SPDX-License-Identifier: MIT
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control_commands.h"
#include "log.h"
#include "strbuf.h"

/* One client: its request as it arrives, then its reply as it leaves. */
struct control_conn {
        int fd; /* -1: a free slot */
        uint64_t deadline_ns;
        char request[CONTROL_MAX_REQUEST];
        size_t request_len;
        struct strbuf reply;
        size_t sent;
        bool replying;
        bool denied; /* the peer is not root: its request gets a refusal */
};

struct control_server {
        char *path;
        int listen_fd;
        int epoll_fd; /* the listening socket and every connection */
        struct run *run;
        bool bound; /* bind() made the path: ours to remove */
        struct control_conn conns[CONTROL_MAX_CONNECTIONS];
        unsigned n_conns;
};

static uint64_t monotonic_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int make_address(const char *path, struct sockaddr_un *addr)
{
        memset(addr, 0, sizeof(*addr));
        addr->sun_family = AF_UNIX;
        if (strlen(path) >= sizeof(addr->sun_path))
                return -ENAMETOOLONG;
        strcpy(addr->sun_path, path);
        return 0;
}

/* Does a process answer on the socket at `addr`? 0: nobody (stale), 1: yes, -errno. */
static int socket_answers(const struct sockaddr_un *addr)
{
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        int rc;

        if (fd < 0)
                return -errno;
        rc = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) ? -errno : 1;
        close(fd);
        /* EAGAIN: a listener whose backlog is full still answers */
        if (rc == -EAGAIN)
                return 1;
        return rc == -ECONNREFUSED ? 0 : rc;
}

/*
 * Make room for our socket at `path`: only a socket nobody answers on (left
 * by an instance that died) is removed; never a file that is not ours.
 */
static int clear_stale_path(const char *path, const struct sockaddr_un *addr)
{
        struct stat st;
        int rc;

        if (lstat(path, &st))
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISSOCK(st.st_mode)) {
                log_error(NULL,
                          "control socket %s: the path exists and is not a socket; refusing to "
                          "remove it (name another path with --control-socket or control_socket)",
                          path);
                return -EEXIST;
        }
        rc = socket_answers(addr);
        if (rc == 1) {
                log_warn(NULL,
                         "control socket %s: another probekit instance is listening there; "
                         "`probekit list` will not reach this instance",
                         path);
                return -EADDRINUSE;
        }
        if (rc < 0) {
                log_error(NULL, "control socket %s: cannot tell whether it is in use: %s", path,
                          strerror(-rc));
                return rc;
        }
        log_info(NULL, "control socket %s: removing the stale socket of an instance that ended",
                 path);
        return unlink(path) && errno != ENOENT ? -errno : 0;
}

static int epoll_add(int epoll_fd, int fd, uint32_t events, void *ptr)
{
        struct epoll_event ev = {.events = events, .data.ptr = ptr};

        return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static int bind_socket(struct control_server *server, const struct sockaddr_un *addr)
{
        mode_t old_mask;
        int rc;

        server->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (server->listen_fd < 0)
                return -errno;
        old_mask = umask(0177); /* the socket is created 0600: root only */
        rc = bind(server->listen_fd, (const struct sockaddr *)addr, sizeof(*addr)) ? -errno : 0;
        umask(old_mask);
        if (rc)
                return rc;
        server->bound = true;
        if (listen(server->listen_fd, 64))
                return -errno;
        server->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (server->epoll_fd < 0)
                return -errno;
        return epoll_add(server->epoll_fd, server->listen_fd, EPOLLIN, NULL);
}

int control_server_open(const char *path, struct run *run, struct control_server **out)
{
        struct control_server *server;
        struct sockaddr_un addr;
        int rc;

        *out = NULL;
        rc = make_address(path, &addr);
        if (rc) {
                log_error(NULL, "control socket %s: the path is too long (at most %zu bytes)", path,
                          sizeof(addr.sun_path) - 1);
                return rc;
        }
        rc = clear_stale_path(path, &addr);
        if (rc)
                return rc;
        server = calloc(1, sizeof(*server));
        if (!server)
                return -ENOMEM;
        server->listen_fd = server->epoll_fd = -1;
        server->run = run;
        for (unsigned i = 0; i < CONTROL_MAX_CONNECTIONS; i++)
                server->conns[i].fd = -1;
        server->path = strdup(path);
        rc = server->path ? bind_socket(server, &addr) : -ENOMEM;
        if (rc) {
                log_error(NULL, "control socket %s: %s", path, strerror(-rc));
                control_server_close(server);
                return rc;
        }
        *out = server;
        return 0;
}

int control_server_fd(const struct control_server *server)
{
        return server->epoll_fd;
}

unsigned control_server_connections(const struct control_server *server)
{
        return server ? server->n_conns : 0;
}

static void conn_close(struct control_server *server, struct control_conn *conn)
{
        if (conn->fd < 0)
                return;
        epoll_ctl(server->epoll_fd, EPOLL_CTL_DEL, conn->fd, NULL);
        close(conn->fd);
        conn->fd = -1;
        strbuf_free(&conn->reply);
        server->n_conns--;
}

/* Only root and the user probekit runs as may talk to it (the mode says so too). */
static bool peer_allowed(int fd)
{
        struct ucred cred;
        socklen_t len = sizeof(cred);

        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
                return false;
        return cred.uid == 0 || cred.uid == geteuid();
}

/* A free slot, or NULL when CONTROL_MAX_CONNECTIONS are open. */
static struct control_conn *free_slot(struct control_server *server)
{
        for (unsigned i = 0; i < CONTROL_MAX_CONNECTIONS; i++) {
                if (server->conns[i].fd < 0)
                        return &server->conns[i];
        }
        return NULL;
}

/* Over the cap: say so without waiting for the client, then hang up. */
static void refuse_busy(int fd)
{
        static const char busy[] = "error\ntoo many control connections; try again\n";

        if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
                log_debug(NULL, "control socket: refusing a connection: %s", strerror(errno));
        close(fd);
}

static void conn_send(struct control_server *server, struct control_conn *conn);

static void conn_start_reply(struct control_server *server, struct control_conn *conn, int rc,
                             struct strbuf *body)
{
        struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = conn};

        strbuf_printf(&conn->reply, "%s\n%.*s", rc ? "error" : "ok", (int)body->len,
                      body->data ? body->data : "");
        conn->replying = true;
        conn->sent = 0;
        epoll_ctl(server->epoll_fd, EPOLL_CTL_MOD, conn->fd, &ev);
        conn_send(server, conn);
}

static void accept_one(struct control_server *server)
{
        struct control_conn *conn;
        int fd = accept4(server->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

        if (fd < 0)
                return;
        conn = free_slot(server);
        if (!conn) {
                refuse_busy(fd);
                return;
        }
        memset(conn, 0, sizeof(*conn));
        conn->fd = fd;
        conn->deadline_ns = monotonic_ns() + CONTROL_REQUEST_DEADLINE_MS * 1000000ULL;
        server->n_conns++;
        if (epoll_add(server->epoll_fd, fd, EPOLLIN, conn)) {
                close(fd);
                conn->fd = -1;
                server->n_conns--;
                return;
        }
        conn->denied = !peer_allowed(fd);
}

/* Run the request's command; the reply goes out as the socket takes it. */
static void conn_execute(struct control_server *server, struct control_conn *conn)
{
        struct strbuf body = {0};
        int rc;

        conn->request[conn->request_len] = '\0';
        conn->request[strcspn(conn->request, "\r\n")] = '\0';
        if (conn->denied) {
                strbuf_printf(&body, "only root may use the control socket\n");
                rc = -EPERM;
        } else {
                rc = control_execute(server->run, conn->request, &body);
        }
        if (body.error) {
                strbuf_free(&body);
                rc = -ENOMEM;
                strbuf_printf(&body, "out of memory\n");
        }
        conn_start_reply(server, conn, rc, &body);
        strbuf_free(&body);
}

static void conn_receive(struct control_server *server, struct control_conn *conn)
{
        for (;;) {
                size_t room = sizeof(conn->request) - 1 - conn->request_len;
                ssize_t n;

                if (!room) {
                        struct strbuf body = {0};

                        strbuf_printf(&body, "request longer than %d bytes\n",
                                      CONTROL_MAX_REQUEST - 1);
                        conn_start_reply(server, conn, -E2BIG, &body);
                        strbuf_free(&body);
                        return;
                }
                n = recv(conn->fd, conn->request + conn->request_len, room, MSG_DONTWAIT);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        return;
                if (n <= 0) {
                        /* the peer's end: a last line without a newline still counts */
                        if (n == 0 && conn->request_len)
                                conn_execute(server, conn);
                        else
                                conn_close(server, conn);
                        return;
                }
                if (memchr(conn->request + conn->request_len, '\n', (size_t)n)) {
                        conn->request_len += (size_t)n;
                        conn_execute(server, conn);
                        return;
                }
                conn->request_len += (size_t)n;
        }
}

/*
 * Read what the client sent past its request before closing: closing with
 * unread data resets the connection, and the client could lose the reply.
 */
static void discard_input(int fd)
{
        char sink[4096];

        for (int i = 0; i < 16; i++) {
                if (recv(fd, sink, sizeof(sink), MSG_DONTWAIT) <= 0)
                        return;
        }
}

static void conn_send(struct control_server *server, struct control_conn *conn)
{
        while (conn->sent < conn->reply.len) {
                /* MSG_NOSIGNAL: a peer that went away is an error, not a SIGPIPE */
                ssize_t n = send(conn->fd, conn->reply.data + conn->sent,
                                 conn->reply.len - conn->sent, MSG_NOSIGNAL | MSG_DONTWAIT);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        return; /* EPOLLOUT brings us back */
                if (n <= 0)
                        break;
                conn->sent += (size_t)n;
        }
        discard_input(conn->fd);
        conn_close(server, conn);
}

void control_server_dispatch(struct control_server *server)
{
        struct epoll_event events[CONTROL_MAX_CONNECTIONS + 1];
        int n = epoll_wait(server->epoll_fd, events, CONTROL_MAX_CONNECTIONS + 1, 0);

        for (int i = 0; i < n; i++) {
                struct control_conn *conn = events[i].data.ptr;

                if (!conn) {
                        accept_one(server);
                        continue;
                }
                /* an earlier event of this batch may have closed or reused the slot */
                if (conn->fd < 0)
                        continue;
                if (conn->replying)
                        conn_send(server, conn);
                else
                        conn_receive(server, conn);
        }
}

void control_server_expire(struct control_server *server, uint64_t now_ns)
{
        if (!server || !server->n_conns)
                return;
        for (unsigned i = 0; i < CONTROL_MAX_CONNECTIONS; i++) {
                struct control_conn *conn = &server->conns[i];

                if (conn->fd >= 0 && now_ns >= conn->deadline_ns) {
                        log_debug(NULL, "control socket: a request missed its %d ms deadline",
                                  CONTROL_REQUEST_DEADLINE_MS);
                        conn_close(server, conn);
                }
        }
}

void control_server_close(struct control_server *server)
{
        if (!server)
                return;
        for (unsigned i = 0; i < CONTROL_MAX_CONNECTIONS; i++)
                conn_close(server, &server->conns[i]);
        if (server->listen_fd >= 0)
                close(server->listen_fd);
        if (server->epoll_fd >= 0)
                close(server->epoll_fd);
        if (server->bound)
                unlink(server->path);
        free(server->path);
        free(server);
}

static int send_request(int fd, const char *request)
{
        char line[CONTROL_MAX_REQUEST + 1];
        int len = snprintf(line, sizeof(line), "%s\n", request);
        const char *p = line;

        if (len < 0 || (size_t)len >= sizeof(line))
                return -E2BIG;
        while (len) {
                ssize_t n = send(fd, p, (size_t)len, MSG_NOSIGNAL);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -errno;
                p += n;
                len -= (int)n;
        }
        return 0;
}

static int read_reply(int fd, int timeout_ms, struct strbuf *raw)
{
        uint64_t deadline = monotonic_ns() + (uint64_t)timeout_ms * 1000000ULL;
        char buf[4096];

        for (;;) {
                uint64_t now = monotonic_ns();
                struct pollfd pfd = {.fd = fd, .events = POLLIN};
                ssize_t n;
                int ready;

                if (now >= deadline)
                        return -ETIMEDOUT;
                ready = poll(&pfd, 1, (int)((deadline - now) / 1000000ULL) + 1);
                if (ready < 0 && errno == EINTR)
                        continue;
                if (ready < 0)
                        return -errno;
                if (!ready)
                        continue;
                n = read(fd, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (!n)
                        return raw->error;
                strbuf_printf(raw, "%.*s", (int)n, buf);
        }
}

int control_request(const char *path, const char *request, int timeout_ms, struct strbuf *out,
                    bool *failed)
{
        struct strbuf raw = {0};
        struct sockaddr_un addr;
        const char *body;
        int fd, rc;

        *failed = false;
        rc = make_address(path, &addr);
        if (rc)
                return rc;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        rc = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ? -errno : 0;
        if (!rc)
                rc = send_request(fd, request);
        if (!rc)
                rc = read_reply(fd, timeout_ms, &raw);
        close(fd);
        if (rc)
                goto cleanup;
        /* the status line, then the body */
        body = raw.data ? memchr(raw.data, '\n', raw.len) : NULL;
        if (!body) {
                rc = -ENODATA; /* the instance closed without answering */
                goto cleanup;
        }
        *failed = strncmp(raw.data, "ok\n", 3) != 0;
        body++;
        strbuf_printf(out, "%.*s", (int)(raw.len - (size_t)(body - raw.data)), body);
        rc = out->error;
cleanup:
        strbuf_free(&raw);
        return rc;
}
