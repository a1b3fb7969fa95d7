/* SPDX-License-Identifier: MIT */
/*
 * The `nats` sink: each record as a JSON message published to NATS
 * JetStream, at least once, with asynchronous acknowledgements and a
 * bounded window (nats_publish.h). Written against the public sink API
 * only. write() formats on the event loop and queues (netsink.h); the
 * sink's thread publishes; libnats's threads read the acknowledgements.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <probekit/plugin.h>

#include "nats_publish.h"
#include "nats_subject.h"
#include "netsink.h"
#include "netsink_options.h"
#include "record_json.h"

struct nats_sink {
        struct netsink ns; /* first: netsink_sink_stats() is handed the state */
        struct nats_publish pub;
        const char *subject_template;
        char hostname[256];
        /* The last subject made, for the pointers it was made from. */
        const char *last_probe, *last_event;
        struct msgbuf subject;
};

static const struct pk_option nats_options[] = {
    {
        .key = "servers",
        .type = PK_OPT_LIST,
        .default_value = "nats://127.0.0.1:4222",
        .max = 1024,
        .help = "NATS server URLs (nats:// or tls://), any of a cluster's members",
    },
    {
        .key = "subject",
        .type = PK_OPT_STRING,
        .default_value = "probekit.{host}.{probe}.{event}",
        .max = 1024,
        .help = "subject of each message; {host}, {probe} and {event} are replaced",
    },
    {
        .key = "stream",
        .type = PK_OPT_STRING,
        .max = 255,
        .help = "JetStream stream the subjects must land in (checked at each connect and by "
                "the server on each publish); unset: whichever stream takes them",
    },
    {
        .key = "create_stream",
        .type = PK_OPT_BOOL,
        .default_value = "false",
        .help = "create `stream` (file storage) when it does not exist",
    },
    {
        .key = "stream_subjects",
        .type = PK_OPT_STRING,
        .default_value = "probekit.>",
        .max = 1024,
        .help = "subjects of a stream made by create_stream",
    },
    {
        .key = "stream_replicas",
        .type = PK_OPT_INT,
        .default_value = "1",
        .min = 1,
        .max = 5,
        .help = "replicas of a stream made by create_stream (3 in a 3-node cluster)",
    },
    {
        .key = "max_pending",
        .type = PK_OPT_INT,
        .default_value = "4096",
        .min = 1,
        .max = 1 << 20,
        .help = "messages published and not yet acknowledged, at most",
    },
    {
        .key = "ack_timeout_ms",
        .type = PK_OPT_INT,
        .default_value = "5000",
        .min = 100,
        .max = 600000,
        .help = "a message not acknowledged within this time is sent again",
    },
    {
        .key = "credentials",
        .type = PK_OPT_STRING,
        .max = 4096,
        .help = "NATS credentials file (.creds: user JWT and NKey seed)",
    },
    {
        .key = "token",
        .type = PK_OPT_STRING,
        .max = 4096,
        .help = "authentication token",
    },
    {
        .key = "user",
        .type = PK_OPT_STRING,
        .max = 255,
        .help = "user name (with password)",
    },
    {
        .key = "password",
        .type = PK_OPT_STRING,
        .max = 4096,
        .help = "password of `user`",
    },
    {
        .key = "tls",
        .type = PK_OPT_BOOL,
        .default_value = "false",
        .help = "require TLS (implied by a tls:// server URL or the tls_ options)",
    },
    NETSINK_TLS_OPTIONS("PEM file of the CAs that sign the servers' certificates"),
    NETSINK_OPTIONS,
};

static int nats_validate(const struct pk_host *host, struct pk_instance *inst)
{
        char why[512];
        int rc = 0;

        if (nats_subject_check(host->opt_string(inst, "subject"), why, sizeof(why))) {
                host->option_error(inst, "subject", "%s", why);
                rc = -EINVAL;
        }
        if (netsink_tls_validate(host, inst))
                rc = -EINVAL;
        if (netsink_opts_together(host, inst, "user", "password"))
                rc = -EINVAL;
        if (host->opt_bool(inst, "create_stream") && !host->opt_is_set(inst, "stream")) {
                host->option_error(inst, "create_stream", "create_stream needs `stream`");
                rc = -EINVAL;
        }
        return rc;
}

static void nats_close(void *state)
{
        struct nats_sink *s = state;

        if (!s)
                return;
        netsink_stop(&s->ns);
        nats_publish_free(&s->pub); /* waits until libnats calls nothing more */
        netsink_free(&s->ns);
        msgbuf_free(&s->subject);
        free(s);
}

static void read_config(struct nats_publish_config *cfg, const struct pk_host *host,
                        struct pk_instance *inst)
{
        const char *const *servers;

        cfg->n_servers = host->opt_list(inst, "servers", &servers);
        cfg->servers = servers;
        cfg->stream = netsink_opt_or_null(host, inst, "stream");
        cfg->create_stream = host->opt_bool(inst, "create_stream");
        cfg->stream_subject = host->opt_string(inst, "stream_subjects");
        cfg->stream_replicas = host->opt_int(inst, "stream_replicas");
        cfg->credentials = netsink_opt_or_null(host, inst, "credentials");
        cfg->token = netsink_opt_or_null(host, inst, "token");
        cfg->user = netsink_opt_or_null(host, inst, "user");
        cfg->password = netsink_opt_or_null(host, inst, "password");
        netsink_tls_read(&cfg->tls_files, host, inst);
        cfg->tls = host->opt_bool(inst, "tls") || cfg->tls_files.ca || cfg->tls_files.cert;
        cfg->max_pending = host->opt_int(inst, "max_pending");
        cfg->ack_timeout_ms = host->opt_int(inst, "ack_timeout_ms");
        cfg->reconnect_wait_ms = host->opt_int(inst, "reconnect_min_ms");
}

static int nats_open(const struct pk_host *host, struct pk_instance *inst, void **state)
{
        struct nats_sink *s = calloc(1, sizeof(*s));
        struct nats_publish_config cfg = {0};
        char why[512] = "";
        int rc;

        if (!s)
                return -ENOMEM;
        netsink_init(&s->ns, host, inst, &nats_transport, &s->pub);
        read_config(&cfg, host, inst);
        s->subject_template = host->opt_string(inst, "subject");
        if (gethostname(s->hostname, sizeof(s->hostname) - 1))
                snprintf(s->hostname, sizeof(s->hostname), "unknown");
        snprintf(s->ns.peer, sizeof(s->ns.peer), "nats %s%s%s", cfg.n_servers ? cfg.servers[0] : "",
                 cfg.stream ? " stream " : "", cfg.stream ? cfg.stream : "");
        rc = nats_publish_init(&s->pub, &s->ns, &cfg, s->hostname, why, sizeof(why));
        if (rc == 0)
                rc = netsink_start(&s->ns);
        if (rc) {
                host->log(inst, PK_LOG_ERROR, "%s", why[0] ? why : strerror(-rc));
                nats_close(s);
                return rc;
        }
        *state = s;
        return 0;
}

static const char *subject_for(struct nats_sink *s, const struct pk_record *rec)
{
        if (s->subject.len == 0 || rec->probe != s->last_probe || rec->event != s->last_event) {
                msgbuf_reset(&s->subject);
                nats_subject_make(&s->subject, s->subject_template, s->hostname, rec->probe,
                                  rec->event);
                s->last_probe = rec->probe;
                s->last_event = rec->event;
        }
        return s->subject.failed ? NULL : s->subject.data;
}

static int nats_write(void *state, const struct pk_record *rec)
{
        struct nats_sink *s = state;
        struct msgbuf *b = &s->ns.scratch;
        const char *subject = subject_for(s, rec);

        msgbuf_reset(b);
        record_json(b, rec);
        if (b->failed || !subject) {
                msgbuf_reset(&s->subject);
                return -ENOMEM;
        }
        return netsink_push(&s->ns, subject, b->data, b->len);
}

static const struct pk_sink_ops nats_ops = {
    .open = nats_open,
    .write = nats_write,
    .flush = netsink_sink_flush,
    .close = nats_close,
    .stats = netsink_sink_stats,
};

static const struct pk_plugin nats_plugin = {
    PK_PLUGIN_HEADER(PK_KIND_SINK),
    .name = "nats",
    .version = "1.0.0",
    .description = "JSON messages to NATS JetStream, acknowledged, with a bounded window",
    .options = nats_options,
    .n_options = PK_COUNT(nats_options),
    .sink = &nats_ops,
    .validate = nats_validate,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &nats_plugin;
}
