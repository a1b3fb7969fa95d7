/* SPDX-License-Identifier: MIT */
/* Samples of the tcp_connect plugin, shared by its BPF and user-space parts. */
#ifndef PROBEKIT_TCP_CONNECT_H
#define PROBEKIT_TCP_CONNECT_H

#include <probekit/event.h>

#define TCP_CONNECT_MAX_PORTS 8
#define TCP_CONNECT_MAX_ADDRS 8

/* One `addr` filter entry: an address (v4-mapped for IPv4) and its prefix mask. */
struct tcp_connect_addr_rule {
        __u32 addr[4]; /* network order, already masked */
        __u32 mask[4]; /* network order */
};

/*
 * One outgoing connect, sent when its outcome is known: established,
 * refused, timed out, or failed before a SYN was sent.
 */
struct tcp_connect_event {
        struct pk_event_header hdr;
        __u8 saddr[16]; /* network order; IPv4 v4-mapped */
        __u8 daddr[16];
        __u64 latency_ns; /* to ESTABLISHED; 0 where the mode cannot see it */
        __u16 sport;      /* host order; 0: not chosen (yet) */
        __u16 dport;      /* host order */
        __s32 ret;        /* 0: established; -errno */
        __u16 family;     /* AF_INET or AF_INET6: the socket's */
        __u8 reserved[6];
};

#endif /* PROBEKIT_TCP_CONNECT_H */
