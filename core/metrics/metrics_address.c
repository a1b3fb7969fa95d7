// SPDX-License-Identifier: MIT
#include "metrics_address.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_port(const char *text, unsigned short *port)
{
        char *end;
        long value;

        if (*text < '0' || *text > '9')
                return -EINVAL;
        value = strtol(text, &end, 10);
        if (*end || value < 1 || value > 65535)
                return -EINVAL;
        *port = (unsigned short)value;
        return 0;
}

int metrics_parse_address(const char *text, struct sockaddr_storage *addr, char *why,
                          size_t why_len)
{
        char host[64];
        const char *colon = strrchr(text, ':');
        unsigned short port;
        size_t host_len;

        memset(addr, 0, sizeof(*addr));
        if (!colon || parse_port(colon + 1, &port)) {
                snprintf(why, why_len,
                         "'%s' is not ADDRESS:PORT (port 1-65535), e.g. "
                         "127.0.0.1:9464 or [::1]:9464",
                         text);
                return -EINVAL;
        }
        host_len = (size_t)(colon - text);
        if (host_len >= sizeof(host)) {
                snprintf(why, why_len, "address too long");
                return -EINVAL;
        }
        memcpy(host, text, host_len);
        host[host_len] = '\0';
        if (host_len >= 2 && host[0] == '[' && host[host_len - 1] == ']') {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;

                host[host_len - 1] = '\0';
                if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) == 1) {
                        in6->sin6_family = AF_INET6;
                        in6->sin6_port = htons(port);
                        return 0;
                }
        } else {
                struct sockaddr_in *in = (struct sockaddr_in *)addr;

                if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
                        in->sin_family = AF_INET;
                        in->sin_port = htons(port);
                        return 0;
                }
        }
        snprintf(why, why_len,
                 "'%s' is not an IPv4 address or a bracketed IPv6 address (no host names)", host);
        return -EINVAL;
}
