// SPDX-License-Identifier: MIT
/*
 * libmicrohttpd (Debian's libmicrohttpd12) parses HTTP here: a maintained
 * server library, not a hand-written parser, and it hands its sockets to an
 * external epoll loop (MHD_USE_EPOLL without MHD_USE_INTERNAL_POLLING_THREAD,
 * MHD_DAEMON_INFO_EPOLL_FD, MHD_get_timeout, MHD_run).
 */
#include "metrics_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "exposition.h"
#include "log.h"
#include "metrics_address.h"
#include "render.h"

/* A scraper that stops reading is cut off after this, so it holds nothing for long. */
#define CONNECTION_TIMEOUT_S 10
/* Prometheus uses one connection per target; a few spare for people with curl. */
#define CONNECTION_LIMIT 16

struct metrics_server {
        struct MHD_Daemon *daemon;
        const struct run *run;
        int epoll_fd;
        uint64_t deadline_ns; /* CLOCK_MONOTONIC by which MHD_run() is due; 0: none */
};

static uint64_t monotonic_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static const char not_found[] = "probekit serves /metrics only\n";

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, char *body, size_t len,
                             enum MHD_ResponseMemoryMode mode)
{
        struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, mode);
        enum MHD_Result rc;

        if (!resp) {
                if (mode == MHD_RESPMEM_MUST_FREE)
                        free(body);
                return MHD_NO;
        }
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                status == MHD_HTTP_OK ? EXPOSITION_CONTENT_TYPE
                                                      : "text/plain; charset=utf-8");
        rc = MHD_queue_response(conn, status, resp);
        MHD_destroy_response(resp);
        return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
        struct metrics_server *server = cls;
        struct strbuf body = {0};

        (void)version;
        (void)upload_data;
        (void)con_cls;
        if (*upload_data_size) {
                *upload_data_size = 0; /* a body is ignored */
                return MHD_YES;
        }
        if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
                return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, (char *)"GET only\n", 9,
                             MHD_RESPMEM_PERSISTENT);
        if (strcmp(url, "/metrics"))
                return reply(conn, MHD_HTTP_NOT_FOUND, (char *)not_found, sizeof(not_found) - 1,
                             MHD_RESPMEM_PERSISTENT);
        metrics_render(server->run, &body);
        if (body.error) {
                strbuf_free(&body);
                return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, (char *)"out of memory\n", 14,
                             MHD_RESPMEM_PERSISTENT);
        }
        /* MHD frees the buffer once sent */
        return reply(conn, MHD_HTTP_OK, body.data, body.len, MHD_RESPMEM_MUST_FREE);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
        char msg[512];
        size_t n;

        (void)cls;
        vsnprintf(msg, sizeof(msg), fmt, ap);
        n = strlen(msg);
        if (n && msg[n - 1] == '\n')
                msg[n - 1] = '\0';
        log_warn("metrics", "%s", msg);
}

struct metrics_server *metrics_server_start(const char *address, const struct run *run)
{
        struct sockaddr_storage addr;
        struct metrics_server *server;
        const union MHD_DaemonInfo *info;
        unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
        char why[256];

        if (metrics_parse_address(address, &addr, why, sizeof(why))) {
                log_error("metrics", "%s", why);
                return NULL;
        }
        if (addr.ss_family == AF_INET6)
                flags |= MHD_USE_IPv6;
        server = calloc(1, sizeof(*server));
        if (!server)
                return NULL;
        server->run = run;
        server->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, server, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT,
            (unsigned)CONNECTION_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT,
            (unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_END);
        if (!server->daemon) {
                log_error("metrics", "cannot serve on %s: %s", address, strerror(errno));
                free(server);
                return NULL;
        }
        info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_EPOLL_FD);
        if (!info) {
                log_error("metrics", "libmicrohttpd has no epoll descriptor");
                metrics_server_stop(server);
                return NULL;
        }
        server->epoll_fd = info->epoll_fd;
        log_info("metrics", "serving http://%s/metrics", address);
        return server;
}

int metrics_server_fd(const struct metrics_server *server)
{
        return server->epoll_fd;
}

int metrics_server_timeout_ms(struct metrics_server *server)
{
        MHD_UNSIGNED_LONG_LONG ms;

        if (!server)
                return -1;
        if (MHD_get_timeout(server->daemon, &ms) != MHD_YES) {
                server->deadline_ns = 0;
                return -1;
        }
        if (ms > 60000)
                ms = 60000;
        server->deadline_ns = monotonic_ns() + ms * 1000000ULL;
        return (int)ms;
}

void metrics_server_after_wait(struct metrics_server *server, bool ready)
{
        if (!server)
                return;
        if (ready || (server->deadline_ns && monotonic_ns() >= server->deadline_ns))
                MHD_run(server->daemon);
}

void metrics_server_stop(struct metrics_server *server)
{
        if (!server)
                return;
        MHD_stop_daemon(server->daemon);
        free(server);
}
