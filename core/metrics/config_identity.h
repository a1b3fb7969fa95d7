/* SPDX-License-Identifier: MIT */
/*
 * Which configuration the running instance uses, for
 * probekit_config_sha256_info and probekit_config_reload_timestamp_seconds:
 * the SHA-256 of the config file's bytes (spots drift across a fleet) and
 * when it was last (re)loaded. The run command records it at start; a
 * reload records it again.
 */
#ifndef PK_METRICS_CONFIG_IDENTITY_H
#define PK_METRICS_CONFIG_IDENTITY_H

#include <stddef.h>

/*
 * Record that the config was (re)loaded now from `path` (NULL: the built-in
 * default, the empty text). Returns 0 or -errno when the file could not be
 * read or hashed; the digest is then empty and the timestamp still set.
 */
int config_identity_loaded(const char *path);

/* The lowercase hex SHA-256 of the loaded bytes, "" when unknown. */
const char *config_identity_sha256(void);
/* When it was loaded, in seconds since the epoch; 0 before the first load. */
double config_identity_loaded_at(void);

/* SHA-256 of `len` bytes as 64 lowercase hex digits and a NUL; 0 or -errno. */
int sha256_hex(const void *data, size_t len, char out[65]);

#endif
