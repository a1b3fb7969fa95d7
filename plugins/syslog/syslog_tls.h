/* SPDX-License-Identifier: MIT */
/*
 * TLS for the syslog sink (RFC 5425) through GnuTLS, Debian's maintained
 * TLS library that rsyslog's own gtls driver also uses. The server's
 * certificate is checked against `tls_ca` (or the system's trust store) and
 * the server name; `tls_cert`/`tls_key` authenticate the client.
 */
#ifndef SYSLOG_TLS_H
#define SYSLOG_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "netsink_options.h"

struct syslog_tls_config {
        struct netsink_tls_files files; /* no ca: the system's trust store */
        const char *name;               /* the name the server's certificate must carry */
        bool verify;
};

struct syslog_tls;       /* one session */
struct syslog_tls_creds; /* the CA, certificate and key, loaded once */

/* Loads the credentials (at open): 0 or -errno with why. */
int syslog_tls_creds_load(struct syslog_tls_creds **out, const struct syslog_tls_config *cfg,
                          char *why, size_t why_size);
void syslog_tls_creds_free(struct syslog_tls_creds *creds);

/* A session over a connected socket; handshakes within timeout_ms. */
int syslog_tls_start(struct syslog_tls **out, int fd, struct syslog_tls_creds *creds,
                     const struct syslog_tls_config *cfg, int timeout_ms, char *why,
                     size_t why_size);
/* Sends all of data; 0 or -errno. */
int syslog_tls_send(struct syslog_tls *s, const char *data, size_t len, char *why, size_t why_size);
void syslog_tls_end(struct syslog_tls *s);

#endif /* SYSLOG_TLS_H */
