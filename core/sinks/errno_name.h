/* SPDX-License-Identifier: MIT */
#ifndef PROBEKIT_SINKS_ERRNO_NAME_H
#define PROBEKIT_SINKS_ERRNO_NAME_H

/* "ENOENT" for 2, or NULL when unknown (or the C library cannot tell). */
const char *errno_name(int err);

#endif /* PROBEKIT_SINKS_ERRNO_NAME_H */
