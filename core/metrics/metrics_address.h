/* SPDX-License-Identifier: MIT */
/* `metrics = ADDRESS:PORT`: an IPv4 address or a bracketed IPv6 one, and a port. */
#ifndef PK_METRICS_ADDRESS_H
#define PK_METRICS_ADDRESS_H

#include <stddef.h>
#include <sys/socket.h>

/*
 * Parse "127.0.0.1:9464" or "[::1]:9464" (port 1-65535; no host names, so
 * nothing is resolved at start). 0, or -EINVAL with the reason in `why`.
 */
int metrics_parse_address(const char *text, struct sockaddr_storage *addr, char *why,
                          size_t why_len);

#endif
