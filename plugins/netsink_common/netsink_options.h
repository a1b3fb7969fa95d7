/* SPDX-License-Identifier: MIT */
/*
 * The options the network sinks share and how they read and check them:
 * the queue and reconnect options (read by netsink_init()), and the TLS
 * file options, `tls_ca`, `tls_cert` and `tls_key`, which each sink hands
 * to its own TLS library (GnuTLS for syslog, libnats's OpenSSL for nats).
 * Options only one sink has (syslog's tls_name, nats's tls) stay in it.
 */
#ifndef NETSINK_OPTIONS_H
#define NETSINK_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include <probekit/plugin.h>

/* The TLS files, each NULL when its option is unset. */
struct netsink_tls_files {
        const char *ca;   /* PEM file of the CAs that sign the server's certificate */
        const char *cert; /* PEM client certificate; NULL: the client is anonymous */
        const char *key;  /* PEM private key of cert (set exactly when cert is) */
};

/* The option's string, or NULL when it is unset. */
const char *netsink_opt_or_null(const struct pk_host *host, struct pk_instance *inst,
                                const char *key);

/*
 * For validate(): `a` and `b` must be set both or neither; reports "A and
 * B go together" against the one that is set. 0 or -EINVAL.
 */
int netsink_opts_together(const struct pk_host *host, struct pk_instance *inst, const char *a,
                          const char *b);

/*
 * For validate(): refuses each of `keys` that is set with "KEY is for
 * WHEN only" (e.g. when = "transport = tls"), all of them at once. 0 or
 * -EINVAL.
 */
int netsink_opts_only_for(const struct pk_host *host, struct pk_instance *inst,
                          const char *const *keys, size_t n_keys, const char *when);

/* For validate(): the checks of the TLS file options (tls_cert with tls_key). */
int netsink_tls_validate(const struct pk_host *host, struct pk_instance *inst);

/* For open(): reads the TLS file options. */
void netsink_tls_read(struct netsink_tls_files *files, const struct pk_host *host,
                      struct pk_instance *inst);

/*
 * The TLS file options; expand inside a sink's pk_option array. `ca_help`
 * is tls_ca's help: what is trusted without it depends on the sink's TLS
 * library.
 */
#define NETSINK_TLS_OPTIONS(ca_help)                                                               \
        {.key = "tls_ca", .type = PK_OPT_STRING, .max = 4096, .help = ca_help},                    \
            {                                                                                      \
                .key = "tls_cert",                                                                 \
                .type = PK_OPT_STRING,                                                             \
                .max = 4096,                                                                       \
                .help = "PEM client certificate (with tls_key) for servers that authenticate "     \
                        "clients",                                                                 \
            },                                                                                     \
        {                                                                                          \
                .key = "tls_key", .type = PK_OPT_STRING, .max = 4096,                              \
                .help = "PEM private key of tls_cert",                                             \
        }

/* Options every network sink has; expand inside its pk_option array. */
#define NETSINK_OPTIONS                                                                            \
        {                                                                                          \
            .key = "queue_size",                                                                   \
            .type = PK_OPT_INT,                                                                    \
            .default_value = "65536",                                                              \
            .min = 1,                                                                              \
            .max = 1 << 24,                                                                        \
            .help = "records the sink holds while its server is slow or away; more are dropped "   \
                    "and counted",                                                                 \
        },                                                                                         \
            {                                                                                      \
                .key = "queue_bytes",                                                              \
                .type = PK_OPT_INT,                                                                \
                .default_value = "64M",                                                            \
                .min = 4096,                                                                       \
                .max = (int64_t)1 << 34,                                                           \
                .help = "bytes of formatted records the sink holds at most (with queue_size)",     \
            },                                                                                     \
            {                                                                                      \
                .key = "reconnect_min_ms",                                                         \
                .type = PK_OPT_INT,                                                                \
                .default_value = "100",                                                            \
                .min = 1,                                                                          \
                .max = 60000,                                                                      \
                .help = "first wait before connecting again; doubles on each failure",             \
            },                                                                                     \
            {                                                                                      \
                .key = "reconnect_max_ms",                                                         \
                .type = PK_OPT_INT,                                                                \
                .default_value = "5000",                                                           \
                .min = 1,                                                                          \
                .max = 600000,                                                                     \
                .help = "longest wait between two connection attempts",                            \
            },                                                                                     \
        {                                                                                          \
                .key = "close_timeout_ms", .type = PK_OPT_INT, .default_value = "1000", .min = 0,  \
                .max = 600000,                                                                     \
                .help = "at close, how long the sink goes on delivering what it still holds "      \
                        "(probekit first waits at exit while it makes progress); the rest is "     \
                        "counted as dropped",                                                      \
        }

#endif /* NETSINK_OPTIONS_H */
