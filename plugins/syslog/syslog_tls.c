/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE

#include "syslog_tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

struct syslog_tls_creds {
        gnutls_certificate_credentials_t x509;
};

struct syslog_tls {
        gnutls_session_t session;
};

int syslog_tls_creds_load(struct syslog_tls_creds **out, const struct syslog_tls_config *cfg,
                          char *why, size_t why_size)
{
        struct syslog_tls_creds *creds = calloc(1, sizeof(*creds));
        int rc;

        if (!creds)
                return -ENOMEM;
        rc = gnutls_certificate_allocate_credentials(&creds->x509);
        if (rc < 0)
                goto fail;
        rc = cfg->files.ca ? gnutls_certificate_set_x509_trust_file(creds->x509, cfg->files.ca,
                                                                    GNUTLS_X509_FMT_PEM)
                           : gnutls_certificate_set_x509_system_trust(creds->x509);
        if (rc < 0) {
                snprintf(why, why_size, "tls_ca %s: %s", cfg->files.ca ? cfg->files.ca : "(system)",
                         gnutls_strerror(rc));
                goto fail_said;
        }
        if (cfg->files.ca && rc == 0) {
                snprintf(why, why_size, "tls_ca %s: no certificate in it", cfg->files.ca);
                rc = GNUTLS_E_FILE_ERROR;
                goto fail_said;
        }
        if (cfg->files.cert) {
                rc = gnutls_certificate_set_x509_key_file(creds->x509, cfg->files.cert,
                                                          cfg->files.key, GNUTLS_X509_FMT_PEM);
                if (rc < 0) {
                        snprintf(why, why_size, "tls_cert %s / tls_key %s: %s", cfg->files.cert,
                                 cfg->files.key, gnutls_strerror(rc));
                        goto fail_said;
                }
        }
        *out = creds;
        return 0;

fail:
        snprintf(why, why_size, "%s", gnutls_strerror(rc));
fail_said:
        syslog_tls_creds_free(creds);
        return -EINVAL;
}

void syslog_tls_creds_free(struct syslog_tls_creds *creds)
{
        if (!creds)
                return;
        if (creds->x509)
                gnutls_certificate_free_credentials(creds->x509);
        free(creds);
}

int syslog_tls_start(struct syslog_tls **out, int fd, struct syslog_tls_creds *creds,
                     const struct syslog_tls_config *cfg, int timeout_ms, char *why,
                     size_t why_size)
{
        struct syslog_tls *s = calloc(1, sizeof(*s));
        int rc;

        if (!s)
                return -ENOMEM;
        rc = gnutls_init(&s->session, GNUTLS_CLIENT);
        if (rc < 0) {
                free(s);
                snprintf(why, why_size, "TLS: %s", gnutls_strerror(rc));
                return -ENOMEM;
        }
        rc = gnutls_set_default_priority(s->session);
        if (rc >= 0)
                rc = gnutls_credentials_set(s->session, GNUTLS_CRD_CERTIFICATE, creds->x509);
        if (rc >= 0 && cfg->name)
                rc = gnutls_server_name_set(s->session, GNUTLS_NAME_DNS, cfg->name,
                                            strlen(cfg->name));
        if (rc < 0)
                goto fail;
        if (cfg->verify)
                gnutls_session_set_verify_cert(s->session, cfg->name, 0);
        gnutls_transport_set_int(s->session, fd);
        gnutls_handshake_set_timeout(s->session, (unsigned)timeout_ms);
        do {
                rc = gnutls_handshake(s->session);
        } while (rc < 0 && !gnutls_error_is_fatal(rc));
        if (rc < 0) {
                if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
                        gnutls_datum_t text;
                        unsigned status = gnutls_session_get_verify_cert_status(s->session);

                        if (gnutls_certificate_verification_status_print(
                                status, gnutls_certificate_type_get(s->session), &text, 0) >= 0) {
                                snprintf(why, why_size, "TLS handshake: %s", text.data);
                                gnutls_free(text.data);
                                goto fail_said;
                        }
                }
                goto fail;
        }
        *out = s;
        return 0;

fail:
        snprintf(why, why_size, "TLS handshake: %s", gnutls_strerror(rc));
fail_said:
        syslog_tls_end(s);
        return -ECONNREFUSED;
}

int syslog_tls_send(struct syslog_tls *s, const char *data, size_t len, char *why, size_t why_size)
{
        while (len > 0) {
                ssize_t n = gnutls_record_send(s->session, data, len);

                if (n == GNUTLS_E_INTERRUPTED)
                        continue;
                if (n == GNUTLS_E_AGAIN) { /* the socket's send timeout */
                        snprintf(why, why_size, "TLS send: timed out (server stalled)");
                        return -ETIMEDOUT;
                }
                if (n < 0) {
                        snprintf(why, why_size, "TLS send: %s", gnutls_strerror((int)n));
                        return -EIO;
                }
                data += n;
                len -= (size_t)n;
        }
        return 0;
}

void syslog_tls_end(struct syslog_tls *s)
{
        if (!s)
                return;
        gnutls_deinit(s->session);
        free(s);
}
