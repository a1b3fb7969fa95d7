// SPDX-License-Identifier: MIT
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "probe.h"
#include "run.h"
#include "sink_host.h"
#include "strbuf.h"

static int make_address(const char *path, struct sockaddr_un *addr)
{
        memset(addr, 0, sizeof(*addr));
        addr->sun_family = AF_UNIX;
        if (strlen(path) >= sizeof(addr->sun_path))
                return -ENAMETOOLONG;
        strcpy(addr->sun_path, path);
        return 0;
}

/* Is another process answering on `path`? Then it is not ours to remove. */
static bool socket_in_use(const struct sockaddr_un *addr)
{
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        bool in_use;

        if (fd < 0)
                return false;
        in_use = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
        close(fd);
        return in_use;
}

int control_listen(const char *path)
{
        struct sockaddr_un addr;
        mode_t old_mask;
        int fd, rc;

        rc = make_address(path, &addr);
        if (rc)
                goto fail;
        if (socket_in_use(&addr)) {
                rc = -EADDRINUSE;
                goto fail;
        }
        unlink(path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
                rc = -errno;
                goto fail;
        }
        old_mask = umask(0177); /* the socket is created 0600: root only */
        rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ? -errno : 0;
        umask(old_mask);
        if (!rc && listen(fd, 8))
                rc = -errno;
        if (rc) {
                close(fd);
                goto fail;
        }
        return fd;
fail:
        log_warn(NULL, "control socket %s: %s; `probekit list` will not reach this instance", path,
                 rc == -EADDRINUSE ? "another probekit instance is listening there"
                                   : strerror(-rc));
        return rc;
}

void control_unlink(const char *path)
{
        unlink(path);
}

static void describe_instance(const struct pk_instance *inst, struct strbuf *out)
{
        const struct option_value *ring = option_set_get(&inst->opts, "ring_size");

        strbuf_printf(out, "{\"name\":");
        strbuf_json_string(out, inst->name);
        strbuf_printf(out, ",\"plugin\":");
        strbuf_json_string(out, inst->plugin->desc.name);
        strbuf_printf(out, ",\"version\":");
        strbuf_json_string(out, inst->plugin->desc.version);
        strbuf_printf(out, ",\"state\":\"%s\",\"reason\":", instance_state_name(inst->state));
        strbuf_json_string(out, inst->reason);
        if (inst->plugin->desc.kind == PK_KIND_PROBE) {
                strbuf_printf(out, ",\"mode\":");
                if (inst->mode)
                        strbuf_json_string(out, inst->mode);
                else
                        strbuf_printf(out, "null");
                strbuf_printf(out,
                              ",\"events\":%llu,\"drops\":%llu,\"malformed\":%llu,"
                              "\"ring_size\":%lld",
                              (unsigned long long)inst->events, (unsigned long long)inst->drops,
                              (unsigned long long)inst->malformed, ring ? (long long)ring->i : 0LL);
        } else {
                sink_counters_json(inst, out);
        }
        strbuf_printf(out, "}");
}

void control_describe(const struct run *run, struct strbuf *out)
{
        strbuf_printf(out, "{\"pid\":%d,\"probes\":[", (int)getpid());
        for (size_t i = 0; i < run->n_probes; i++) {
                strbuf_printf(out, "%s", i ? "," : "");
                describe_instance(&run->probes[i], out);
        }
        strbuf_printf(out, "],\"sinks\":[");
        for (size_t i = 0; i < run->n_sinks; i++) {
                strbuf_printf(out, "%s", i ? "," : "");
                describe_instance(&run->sinks[i], out);
        }
        strbuf_printf(out, "]}\n");
}

static void table_row(const struct pk_instance *inst, struct strbuf *out)
{
        bool probe = inst->plugin->desc.kind == PK_KIND_PROBE;

        strbuf_printf(out, "%-16s %-14s %-8s %-6s %-9s %-11s", inst->name, inst->plugin->desc.name,
                      inst->plugin->desc.version, probe ? "probe" : "sink",
                      instance_state_name(inst->state), inst->mode ? inst->mode : "-");
        if (probe)
                strbuf_printf(out, " %10llu %8llu", (unsigned long long)inst->events,
                              (unsigned long long)inst->drops);
        else
                sink_counters_text(inst, out);
        strbuf_printf(out, "%s%s\n", inst->reason[0] ? "  " : "", inst->reason);
}

void control_describe_table(const struct run *run, struct strbuf *out)
{
        strbuf_printf(out, "%-16s %-14s %-8s %-6s %-9s %-11s %10s %8s  %s\n", "NAME", "PLUGIN",
                      "VERSION", "KIND", "STATE", "MODE", "EVENTS", "DROPS", "REASON");
        for (size_t i = 0; i < run->n_probes; i++)
                table_row(&run->probes[i], out);
        for (size_t i = 0; i < run->n_sinks; i++)
                table_row(&run->sinks[i], out);
}

static int write_all(int fd, const char *data, size_t len)
{
        while (len) {
                /* MSG_NOSIGNAL: a peer that went away is an error, not a SIGPIPE */
                ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -errno;
                data += n;
                len -= (size_t)n;
        }
        return 0;
}

/* Read until a newline, the peer's end, or a full buffer; returns the length. */
static ssize_t read_request_line(int fd, char *buf, size_t size)
{
        size_t len = 0;

        while (len < size - 1 && !memchr(buf, '\n', len)) {
                ssize_t n = read(fd, buf + len, size - 1 - len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t)n;
        }
        return (ssize_t)len;
}

void control_serve(int listen_fd, struct run *run)
{
        struct timeval timeout = {.tv_sec = 0, .tv_usec = 200000};
        struct strbuf reply = {0};
        char request[128];
        ssize_t n;
        int fd;

        fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
                return;
        /* a silent client must not stall the loop for long */
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
        n = read_request_line(fd, request, sizeof(request));
        if (n > 0) {
                request[n] = '\0';
                request[strcspn(request, "\r\n")] = '\0';
                /* refresh the kernel drop counters so the reply is current */
                for (size_t i = 0; i < run->n_probes; i++) {
                        if (run->probes[i].state == INSTANCE_ATTACHED)
                                probe_read_drops(&run->probes[i]);
                }
                if (!strcmp(request, "list json") || !strcmp(request, "list"))
                        control_describe(run, &reply);
                else if (!strcmp(request, "list text"))
                        control_describe_table(run, &reply);
                else
                        strbuf_printf(&reply, "{\"error\":\"unknown request\"}\n");
                if (!reply.error)
                        write_all(fd, reply.data, reply.len);
        }
        strbuf_free(&reply);
        close(fd);
}

int control_request(const char *path, const char *request, struct strbuf *out)
{
        struct sockaddr_un addr;
        char buf[4096];
        int fd, rc;
        ssize_t n;

        rc = make_address(path, &addr);
        if (rc)
                return rc;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
                rc = -errno;
                goto cleanup;
        }
        {
                char line[128];
                int len = snprintf(line, sizeof(line), "%s\n", request);

                /* one write: the server answers the first line it reads */
                rc = len > 0 && (size_t)len < sizeof(line) ? write_all(fd, line, (size_t)len)
                                                           : -EINVAL;
        }
        while (!rc && (n = read(fd, buf, sizeof(buf))) != 0) {
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        rc = -errno;
                        break;
                }
                strbuf_printf(out, "%.*s", (int)n, buf);
        }
        if (!rc)
                rc = out->error;
        if (!rc && !out->len)
                rc = -ENODATA; /* the instance closed without answering */
cleanup:
        close(fd);
        return rc;
}
