/* SPDX-License-Identifier: MIT */
/*
 * Socket addresses on the BPF side: a sockaddr (IPv4 or IPv6) read from user
 * or kernel memory, and both ends of an inet socket read from its struct
 * sock, in one family-independent form. Include after probekit.bpf.h:
 *
 *   #include <probekit/bpf/probekit.bpf.h>
 *   #include <probekit/bpf/sockaddr.bpf.h>
 *
 * An address is always 16 bytes in network order; an IPv4 address is stored
 * v4-mapped (::ffff:a.b.c.d), which a PK_FIELD_IPV6 field prints as IPv4, so
 * one event layout carries both families. Ports are in host order (declare
 * them PK_FIELD_U16 without PK_FIELD_NET_ORDER).
 */
#ifndef PROBEKIT_SOCKADDR_BPF_H
#define PROBEKIT_SOCKADDR_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define PK_AF_INET  2
#define PK_AF_INET6 10

struct pk_sockaddr {
        __u8 addr[16]; /* network order; IPv4 v4-mapped */
        __u16 port;    /* host order */
        __u16 family;  /* PK_AF_INET, PK_AF_INET6, or what the sockaddr said */
};

/* `addr` = ::ffff:v4 (v4 in network order). */
static __always_inline void pk_addr_v4_mapped(__u8 addr[16], __u32 v4)
{
        __u32 *words = (__u32 *)addr;

        words[0] = 0;
        words[1] = 0;
        words[2] = bpf_htonl(0xffff);
        words[3] = v4;
}

static __always_inline bool pk_addr_is_v4_mapped(const __u8 addr[16])
{
        const __u32 *words = (const __u32 *)addr;

        return words[0] == 0 && words[1] == 0 && words[2] == bpf_htonl(0xffff);
}

/*
 * Read a struct sockaddr_in or sockaddr_in6 of `len` bytes at `sa` (user
 * memory when `user`, else kernel memory, e.g. the kernel's copy handed to
 * tcp_v4_connect()). Returns 0; -EAFNOSUPPORT (-97) for another family
 * (out->family still says which); -EINVAL (-22) when `len` is too short for
 * the family; -EFAULT (-14) when it cannot be read.
 */
static __always_inline int pk_read_sockaddr(struct pk_sockaddr *out, const void *sa, __u32 len,
                                            bool user)
{
        /* sockaddr_in6 up to its address: family, port, flowinfo, addr */
        struct {
                __u16 family;
                __u16 port;
                __u32 v4_or_flowinfo;
                __u8 v6[16];
        } raw = {};
        long err;

        __builtin_memset(out, 0, sizeof(*out));
        if (len < 8)
                return -22;
        err = user ? bpf_probe_read_user(&raw, 8, sa) : bpf_probe_read_kernel(&raw, 8, sa);
        if (err)
                return -14;
        out->family = raw.family;
        if (raw.family == PK_AF_INET) {
                pk_addr_v4_mapped(out->addr, raw.v4_or_flowinfo);
        } else if (raw.family == PK_AF_INET6) {
                if (len < sizeof(raw))
                        return -22;
                err = user ? bpf_probe_read_user(raw.v6, 16, (const char *)sa + 8)
                           : bpf_probe_read_kernel(raw.v6, 16, (const char *)sa + 8);
                if (err)
                        return -14;
                __builtin_memcpy(out->addr, raw.v6, 16);
        } else {
                return -97;
        }
        out->port = bpf_ntohs(raw.port);
        return 0;
}

/* CO-RE flavors of the socket fields read here (see probekit.bpf.h). */
struct in6_addr___pk {
        union {
                __u8 u6_addr8[16];
        } in6_u;
} __attribute__((preserve_access_index));

struct sock_common___pk {
        __u32 skc_daddr;     /* network order */
        __u32 skc_rcv_saddr; /* network order */
        __u16 skc_dport;     /* network order */
        __u16 skc_num;       /* host order */
        unsigned short skc_family;
        struct in6_addr___pk skc_v6_daddr;
        struct in6_addr___pk skc_v6_rcv_saddr;
} __attribute__((preserve_access_index));

/* inet_sock starts with struct sock; inet_sport outlives skc_num on a refused connect. */
struct inet_sock___pk {
        __u16 inet_sport; /* network order */
} __attribute__((preserve_access_index));

struct sock___pk {
        struct sock_common___pk __sk_common;
        int sk_err;
        __u16 sk_type;
        __u16 sk_protocol;
} __attribute__((preserve_access_index));

/*
 * The local (`src`) and remote (`dst`) ends of the inet socket `sk` (a
 * kernel struct sock *), as far as they are set: a port or address not yet
 * chosen is 0. Returns the socket's family; for one that is neither
 * PK_AF_INET nor PK_AF_INET6 both ends are left zero.
 */
static __always_inline __u16 pk_sock_ends(const void *sk, struct pk_sockaddr *src,
                                          struct pk_sockaddr *dst)
{
        const struct sock___pk *s = sk;
        __u16 family = BPF_CORE_READ(s, __sk_common.skc_family);

        __builtin_memset(src, 0, sizeof(*src));
        __builtin_memset(dst, 0, sizeof(*dst));
        if (family == PK_AF_INET) {
                pk_addr_v4_mapped(src->addr, BPF_CORE_READ(s, __sk_common.skc_rcv_saddr));
                pk_addr_v4_mapped(dst->addr, BPF_CORE_READ(s, __sk_common.skc_daddr));
        } else if (family == PK_AF_INET6) {
                BPF_CORE_READ_INTO(&src->addr, s, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
                BPF_CORE_READ_INTO(&dst->addr, s, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
        } else {
                return family;
        }
        src->family = dst->family = family;
        src->port = bpf_ntohs(BPF_CORE_READ((const struct inet_sock___pk *)sk, inet_sport));
        if (!src->port)
                src->port = BPF_CORE_READ(s, __sk_common.skc_num);
        dst->port = bpf_ntohs(BPF_CORE_READ(s, __sk_common.skc_dport));
        return family;
}

#endif /* PROBEKIT_SOCKADDR_BPF_H */
