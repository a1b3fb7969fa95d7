/* SPDX-License-Identifier: MIT */
/* The sample of typesprobe: one value of each ABI 2 field type, on every fork. */
#ifndef TYPESPROBE_H
#define TYPESPROBE_H

#include <probekit/event.h>

struct typesprobe_event {
        struct pk_event_header hdr;
        __u32 child_pid;
        __u32 v4;           /* an IPv4 address, network order */
        __u8 v6[16];        /* an IPv6 address */
        __u8 v6_mapped[16]; /* an IPv4 address as a v4-mapped IPv6 one */
        __u16 port;         /* network order */
        __s8 small;
        __u8 state;       /* named by an enum */
        __u32 open_flags; /* named by flags */
        __s32 sig;        /* a signal number */
        __u32 nr;         /* a syscall number */
        __s32 err;        /* 0 or -errno */
        __u32 none;       /* 0: no value */
        char argv[32];    /* NUL-separated strings */
};

#endif
