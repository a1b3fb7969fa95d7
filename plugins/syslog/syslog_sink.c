/* SPDX-License-Identifier: MIT */
/*
 * The `syslog` sink: each record as an RFC 5424 message to a syslog server
 * (rsyslog, syslog-ng, journald's /dev/log) over a unix datagram socket,
 * UDP, TCP (RFC 6587 octet counting) or TLS (RFC 5425). Written against the
 * public sink API only. write() formats the message on the event loop and
 * queues it; the sink's own thread sends, and reconnects with back-off when
 * the server goes away (netsink.h has the accounting).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <probekit/plugin.h>

#include "netsink.h"
#include "netsink_options.h"
#include "rfc5424.h"
#include "syslog_levels.h"
#include "syslog_transport.h"

struct syslog_sink {
        struct netsink ns; /* first: netsink_sink_stats() is handed the state */
        struct syslog_transport transport;
        struct rfc5424_style style;
        struct severity_map severities;
        int facility;
        char hostname[256];
};

static const char *const transport_names[] = {"unix", "udp", "tcp", "tls", NULL};
static const char *const format_names[] = {"json", "structured", NULL};

static const struct pk_option syslog_options[] = {
    {
        .key = "transport",
        .type = PK_OPT_ENUM,
        .default_value = "unix",
        .choices = transport_names,
        .help = "unix: datagrams to `path`; udp; tcp (octet-counted frames, RFC 6587); tls "
                "(RFC 5425)",
    },
    {
        .key = "path",
        .type = PK_OPT_STRING,
        .default_value = "/dev/log",
        .max = 107,
        .help = "unix datagram socket of the syslog server (transport = unix)",
    },
    {
        .key = "host",
        .type = PK_OPT_STRING,
        .default_value = "127.0.0.1",
        .max = 255,
        .help = "syslog server's name or address (udp, tcp, tls)",
    },
    {
        .key = "port",
        .type = PK_OPT_INT,
        .default_value = "0",
        .min = 0,
        .max = 65535,
        .help = "syslog server's port; 0: 514 (udp, tcp) or 6514 (tls)",
    },
    {
        .key = "format",
        .type = PK_OPT_ENUM,
        .default_value = "json",
        .choices = format_names,
        .help = "json: the event as JSON in MSG; structured: as STRUCTURED-DATA parameters",
    },
    {
        .key = "facility",
        .type = PK_OPT_ENUM,
        .default_value = "user",
        .choices = syslog_facility_names,
        .help = "syslog facility of every message",
    },
    {
        .key = "severity",
        .type = PK_OPT_ENUM,
        .default_value = "info",
        .choices = syslog_severity_names,
        .help = "severity of a message no `severities` item names",
    },
    {
        .key = "severities",
        .type = PK_OPT_LIST,
        .max = 200,
        .help = "per probe or event: probe=severity, probe.event=severity (the event wins)",
    },
    {
        .key = "hostname",
        .type = PK_OPT_STRING,
        .max = 255,
        .help = "HOSTNAME of the messages; default: this machine's name",
    },
    {
        .key = "sd_id",
        .type = PK_OPT_STRING,
        .default_value = "probekit@32473",
        .max = 32,
        .help = "SD-ID of the event's element with format = structured (name@enterprise "
                "number; 32473 is the documentation number of RFC 5612)",
    },
    NETSINK_TLS_OPTIONS("PEM file of the CAs that sign the server's certificate; default: the "
                        "system's trust store"),
    {
        .key = "tls_name",
        .type = PK_OPT_STRING,
        .max = 255,
        .help = "name the server's certificate must carry; default: `host`",
    },
    {
        .key = "tls_verify",
        .type = PK_OPT_BOOL,
        .default_value = "true",
        .help = "check the server's certificate (turn off only to test)",
    },
    NETSINK_OPTIONS,
};

static int option_index(const struct pk_host *host, struct pk_instance *inst, const char *key,
                        const char *const *names)
{
        const char *value = host->opt_string(inst, key);

        return syslog_name_index(names, value, strlen(value));
}

/* The options that mean something with transport = tls only. */
static const char *const tls_keys[] = {"tls_ca", "tls_cert", "tls_key", "tls_name"};

static int syslog_validate(const struct pk_host *host, struct pk_instance *inst)
{
        const char *const *items;
        size_t n = host->opt_list(inst, "severities", &items);
        int transport = option_index(host, inst, "transport", transport_names);
        int rc = 0;

        for (size_t i = 0; i < n; i++) {
                struct severity_rule rule;
                char why[256];

                if (severity_rule_parse(items[i], &rule, why, sizeof(why))) {
                        host->option_error(inst, "severities", "%s", why);
                        rc = -EINVAL;
                        continue;
                }
                free(rule.probe);
                free(rule.event);
        }
        if (netsink_tls_validate(host, inst))
                rc = -EINVAL;
        if (transport != SYSLOG_TLS &&
            netsink_opts_only_for(host, inst, tls_keys, PK_COUNT(tls_keys), "transport = tls"))
                rc = -EINVAL;
        return rc;
}

static void pick_hostname(struct syslog_sink *s, const struct pk_host *host,
                          struct pk_instance *inst)
{
        char name[256] = "";

        if (host->opt_is_set(inst, "hostname"))
                snprintf(name, sizeof(name), "%s", host->opt_string(inst, "hostname"));
        else if (gethostname(name, sizeof(name) - 1))
                name[0] = '\0';
        rfc5424_printusascii(s->hostname, sizeof(s->hostname), name, 255);
}

static void setup_transport(struct syslog_sink *s, const struct pk_host *host,
                            struct pk_instance *inst)
{
        struct syslog_transport *t = &s->transport;
        int64_t port = host->opt_int(inst, "port");

        t->fd = -1;
        t->kind =
            (enum syslog_transport_kind)option_index(host, inst, "transport", transport_names);
        t->path = host->opt_string(inst, "path");
        t->host = host->opt_string(inst, "host");
        if (port == 0)
                port = t->kind == SYSLOG_TLS ? 6514 : 514;
        snprintf(t->port, sizeof(t->port), "%d", (int)port);
        netsink_tls_read(&t->tls.files, host, inst);
        t->tls.name =
            host->opt_is_set(inst, "tls_name") ? host->opt_string(inst, "tls_name") : t->host;
        t->tls.verify = host->opt_bool(inst, "tls_verify");
        if (t->kind == SYSLOG_UNIX)
                snprintf(s->ns.peer, sizeof(s->ns.peer), "unix:%s", t->path);
        else
                snprintf(s->ns.peer, sizeof(s->ns.peer), "%s:%s port %s", transport_names[t->kind],
                         t->host, t->port);
}

static const struct netsink_transport syslog_netsink_transport = {
    .connect = syslog_transport_connect,
    .send = syslog_transport_send,
    .disconnect = syslog_transport_disconnect,
};

static void syslog_close(void *state)
{
        struct syslog_sink *s = state;

        if (!s)
                return;
        netsink_stop(&s->ns);
        netsink_free(&s->ns);
        syslog_transport_free(&s->transport);
        severity_map_free(&s->severities);
        free(s);
}

static int syslog_open(const struct pk_host *host, struct pk_instance *inst, void **state)
{
        struct syslog_sink *s = calloc(1, sizeof(*s));
        const char *const *items;
        size_t n = host->opt_list(inst, "severities", &items);
        char why[512] = "";
        int rc;

        if (!s)
                return -ENOMEM;
        netsink_init(&s->ns, host, inst, &syslog_netsink_transport, &s->transport);
        setup_transport(s, host, inst);
        pick_hostname(s, host, inst);
        s->facility = option_index(host, inst, "facility", syslog_facility_names);
        s->style.hostname = s->hostname;
        s->style.sd_id = host->opt_string(inst, "sd_id");
        s->style.structured = option_index(host, inst, "format", format_names) == 1;
        rc = severity_map_build(&s->severities, items, n,
                                option_index(host, inst, "severity", syslog_severity_names), why,
                                sizeof(why));
        if (rc == 0 && s->transport.kind == SYSLOG_TLS)
                rc =
                    syslog_tls_creds_load(&s->transport.creds, &s->transport.tls, why, sizeof(why));
        if (rc == 0)
                rc = netsink_start(&s->ns);
        if (rc) {
                host->log(inst, PK_LOG_ERROR, "%s", why[0] ? why : strerror(-rc));
                syslog_close(s);
                return rc;
        }
        *state = s;
        return 0;
}

static int syslog_write(void *state, const struct pk_record *rec)
{
        struct syslog_sink *s = state;
        struct msgbuf *b = &s->ns.scratch;
        int severity = severity_map_lookup(&s->severities, rec->probe ? rec->probe : "",
                                           rec->event ? rec->event : "");

        msgbuf_reset(b);
        rfc5424_format(b, &s->style, s->facility * 8 + severity, rec);
        if (b->failed)
                return -ENOMEM;
        return netsink_push(&s->ns, NULL, b->data, b->len);
}

static const struct pk_sink_ops syslog_ops = {
    .open = syslog_open,
    .write = syslog_write,
    .flush = netsink_sink_flush,
    .close = syslog_close,
    .stats = netsink_sink_stats,
};

static const struct pk_plugin syslog_plugin = {
    PK_PLUGIN_HEADER(PK_KIND_SINK),
    .name = "syslog",
    .version = "1.0.0",
    .description = "RFC 5424 syslog over /dev/log, UDP, TCP or TLS, with a bounded queue",
    .options = syslog_options,
    .n_options = PK_COUNT(syslog_options),
    .sink = &syslog_ops,
    .validate = syslog_validate,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &syslog_plugin;
}
