// SPDX-License-Identifier: MIT
/*
 * SHA-256 comes from GnuTLS (gnutls_hash_fast): libgnutls30 is on every
 * Debian system already (apt depends on it), so hashing adds no package to
 * a host, and one call does the job.
 */
#include "config_identity.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

/* A config file larger than this is refused by the reader anyway. */
#define MAX_CONFIG_BYTES (16u << 20)

static char loaded_sha256[65];
static double loaded_at;

int sha256_hex(const void *data, size_t len, char out[65])
{
        unsigned char digest[32];

        if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, digest) < 0)
                return -EIO;
        for (size_t i = 0; i < sizeof(digest); i++)
                snprintf(out + 2 * i, 3, "%02x", digest[i]);
        return 0;
}

static int read_file(const char *path, char **data, size_t *len)
{
        FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t n = 0, cap = 0;
        int rc = 0;

        if (!f)
                return -errno;
        for (;;) {
                if (n == cap) {
                        char *grown;

                        cap = cap ? cap * 2 : 4096;
                        if (cap > MAX_CONFIG_BYTES) {
                                rc = -EFBIG;
                                break;
                        }
                        grown = realloc(buf, cap);
                        if (!grown) {
                                rc = -ENOMEM;
                                break;
                        }
                        buf = grown;
                }
                n += fread(buf + n, 1, cap - n, f);
                if (ferror(f)) {
                        rc = -EIO;
                        break;
                }
                if (feof(f))
                        break;
        }
        fclose(f);
        if (rc) {
                free(buf);
                return rc;
        }
        *data = buf;
        *len = n;
        return 0;
}

int config_identity_loaded(const char *path)
{
        struct timespec now;
        char *data = NULL;
        size_t len = 0;
        int rc = 0;

        clock_gettime(CLOCK_REALTIME, &now);
        loaded_at = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
        loaded_sha256[0] = '\0';
        if (path)
                rc = read_file(path, &data, &len);
        if (!rc)
                rc = sha256_hex(data ? data : "", len, loaded_sha256);
        if (rc)
                loaded_sha256[0] = '\0';
        free(data);
        return rc;
}

const char *config_identity_sha256(void)
{
        return loaded_sha256;
}

double config_identity_loaded_at(void)
{
        return loaded_at;
}
