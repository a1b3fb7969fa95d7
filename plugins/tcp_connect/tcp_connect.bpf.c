// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_connect, kernel side: one `connect` sample per outgoing TCP connect,
 * sent when its outcome is known. Four attach modes (see tcp_connect.c):
 *
 *   fexit       fexit on tcp_v4_connect()/tcp_v6_connect() sees the call's
 *               result; the socket's next state (sock:inet_sock_set_state,
 *               as a BTF tracepoint) gives the outcome and the latency.
 *   kprobe      the same with kprobe + kretprobe; the start is the entry.
 *   tracepoint  sock:inet_sock_set_state alone (BTF): CLOSE -> SYN_SENT (in
 *               the connecting task) starts, SYN_SENT -> ESTABLISHED / CLOSE ends.
 *   syscall     syscalls:sys_enter/exit_connect: what the caller passed and
 *               got back, for TCP sockets; latency for a blocking connect.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <probekit/bpf/probekit.bpf.h>
#include <probekit/bpf/fd.bpf.h>
#include <probekit/bpf/sockaddr.bpf.h>
#include <probekit/bpf/syscall_pair.bpf.h>

#include "tcp_connect.h"

char LICENSE[] SEC("license") = "GPL";

#define TCP_ESTABLISHED_ 1
#define TCP_SYN_SENT_    2
#define TCP_CLOSE_       7
#define IPPROTO_TCP_     6
#define SOCK_STREAM_     1
#define ECONNABORTED_    103
#define ENOTSOCK_        88
#define EBADF_           9

/* Options, set by the core before load (tcp_connect.c). */
const volatile __u8 failed_only = 0;
const volatile __u32 n_ports = 0;
const volatile __u16 ports[TCP_CONNECT_MAX_PORTS] = {};
const volatile __u32 n_addrs = 0;
const volatile struct tcp_connect_addr_rule addrs[TCP_CONNECT_MAX_ADDRS] = {};

/* A connect under way: who made it and when, until its outcome. */
struct connect_start {
        struct pk_event_header hdr;
        __u64 start_ns;
};

/* By socket (struct sock *): the outcome may come in softirq, on any CPU. */
struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 10240);
        __type(key, __u64);
        __type(value, struct connect_start);
} connects SEC(".maps");

/* kprobe mode: the tcp_vX_connect() call, until it returns. */
struct kprobe_call {
        __u64 sk;
        struct pk_sockaddr dst; /* a failed call may have cleared the socket's */
};

PK_PAIR_MAP(kprobe_calls, struct kprobe_call, PK_PAIR_DEFAULT_ENTRIES);

/* syscall mode: what connect() was asked, until it returns. */
struct syscall_args {
        __u64 start_ns;
        struct pk_sockaddr dst;
        __s32 fd;
        __u32 reserved;
};

PK_PAIR_MAP(syscall_calls, struct syscall_args, PK_PAIR_DEFAULT_ENTRIES);

static __always_inline bool dst_wanted(const struct pk_sockaddr *dst)
{
        const __u32 *words = (const __u32 *)dst->addr;
        bool port_ok = n_ports == 0, addr_ok = n_addrs == 0;

        for (__u32 i = 0; i < TCP_CONNECT_MAX_PORTS && i < n_ports; i++) {
                if (ports[i] == dst->port)
                        port_ok = true;
        }
        for (__u32 i = 0; i < TCP_CONNECT_MAX_ADDRS && i < n_addrs; i++) {
                const volatile struct tcp_connect_addr_rule *rule = &addrs[i];

                if ((words[0] & rule->mask[0]) == rule->addr[0] &&
                    (words[1] & rule->mask[1]) == rule->addr[1] &&
                    (words[2] & rule->mask[2]) == rule->addr[2] &&
                    (words[3] & rule->mask[3]) == rule->addr[3])
                        addr_ok = true;
        }
        return port_ok && addr_ok;
}

static __always_inline void fill_ends(struct tcp_connect_event *ev, const struct pk_sockaddr *src,
                                      const struct pk_sockaddr *dst, __u16 family)
{
        __builtin_memcpy(ev->saddr, src->addr, 16);
        __builtin_memcpy(ev->daddr, dst->addr, 16);
        ev->sport = src->port;
        ev->dport = dst->port;
        ev->family = family;
}

/*
 * Send one connect. `hdr` is the connecting task's header, filled when the
 * connect started; the sample's time is now. `dst_hint` stands in for the
 * socket's remote end when the socket has none (a connect that failed
 * before it was set).
 */
static __always_inline void emit(const struct pk_event_header *hdr, const void *sk,
                                 const struct pk_sockaddr *dst_hint, __s32 ret, __u64 latency_ns)
{
        struct pk_sockaddr src = {}, dst = {};
        struct tcp_connect_event *ev;
        __u16 family = 0;

        if (failed_only && ret == 0)
                return;
        if (sk)
                family = pk_sock_ends(sk, &src, &dst);
        if (dst_hint && dst.port == 0) {
                dst = *dst_hint;
                if (!family)
                        family = dst_hint->family;
        }
        ev = pk_reserve(sizeof(*ev));
        if (!ev)
                return;
        ev->hdr = *hdr;
        ev->hdr.ts_ns = bpf_ktime_get_ns();
        fill_ends(ev, &src, &dst, family);
        ev->ret = ret;
        ev->latency_ns = latency_ns;
        __builtin_memset(ev->reserved, 0, sizeof(ev->reserved));
        pk_submit(ev);
}

/* Remember a connect of the current task on `sk`, for its outcome. */
static __always_inline void start(const void *sk)
{
        struct connect_start s = {};
        __u64 key = (__u64)sk;

        pk_fill_header(&s.hdr, 0);
        s.start_ns = s.hdr.ts_ns;
        if (bpf_map_update_elem(&connects, &key, &s, BPF_ANY))
                pk_count_drop();
}

/* A connect that failed in tcp_vX_connect(): no state change will follow. */
static __always_inline void failed_early(const void *sk, const struct pk_sockaddr *dst, int ret)
{
        struct pk_event_header hdr = {};
        __u64 key = (__u64)sk;

        bpf_map_delete_elem(&connects, &key);
        pk_fill_header(&hdr, 0);
        emit(&hdr, sk, dst, ret, 0);
}

/* SYN_SENT -> ESTABLISHED or CLOSE: the outcome of a connect we saw start. */
static __always_inline int state_outcome(const void *sk, int oldstate, int newstate)
{
        struct connect_start *s;
        __u64 key = (__u64)sk, now;
        __s32 ret = 0;

        if (oldstate != TCP_SYN_SENT_ || (newstate != TCP_ESTABLISHED_ && newstate != TCP_CLOSE_))
                return 0;
        s = bpf_map_lookup_elem(&connects, &key);
        if (!s)
                return 0;
        now = bpf_ktime_get_ns();
        if (newstate == TCP_CLOSE_) {
                ret = -BPF_CORE_READ((const struct sock___pk *)sk, sk_err);
                /* closed by its owner, or an error the kernel did not record */
                if (ret == 0)
                        ret = -ECONNABORTED_;
        }
        emit(&s->hdr, sk, NULL, ret, ret == 0 ? (now - s->start_ns) | 1 : 0);
        bpf_map_delete_elem(&connects, &key);
        return 0;
}

/* Whether a tcp_vX_connect() to `uaddr` by the current task is reported. */
static __always_inline bool connect_wanted(const void *uaddr, int addr_len, struct pk_sockaddr *dst)
{
        if (!pk_task_wanted())
                return false;
        pk_read_sockaddr(dst, uaddr, (__u32)addr_len, false);
        return dst_wanted(dst);
}

/*
 * tcp_v6_connect() hands an IPv4-mapped destination to tcp_v4_connect(),
 * whose hooks report it: the v6 hooks skip it, so it is reported once.
 */
static __always_inline bool v6_to_mapped(const struct pk_sockaddr *dst)
{
        return dst->family == PK_AF_INET6 && pk_addr_is_v4_mapped(dst->addr);
}

/* Mode `fexit`. int tcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len) */
static __always_inline int connect_fexit(const void *sk, const void *uaddr, int addr_len, int ret,
                                         bool v6)
{
        struct pk_sockaddr dst;

        if (!connect_wanted(uaddr, addr_len, &dst) || (v6 && v6_to_mapped(&dst)))
                return 0;
        if (ret < 0)
                failed_early(sk, &dst, ret);
        else
                start(sk); /* the socket is locked: its outcome cannot come before this */
        return 0;
}

SEC("fexit/tcp_v4_connect")
int BPF_PROG(connect_v4_fexit, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
        return connect_fexit(sk, uaddr, addr_len, ret, false);
}

SEC("fexit/tcp_v6_connect")
int BPF_PROG(connect_v6_fexit, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
        return connect_fexit(sk, uaddr, addr_len, ret, true);
}

/* The outcome for the fexit and kprobe modes; a BTF tracepoint needs no tracefs. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(connect_state_btf, const struct sock *sk, int oldstate, int newstate)
{
        return state_outcome(sk, oldstate, newstate);
}

/* Mode `kprobe`: the start is the entry; the return tells an early failure. */
static __always_inline int connect_kprobe_enter(const void *sk, const void *uaddr, int addr_len,
                                                bool v6)
{
        struct kprobe_call call = {.sk = (__u64)sk};

        if (!connect_wanted(uaddr, addr_len, &call.dst) || (v6 && v6_to_mapped(&call.dst)))
                return 0;
        start(sk);
        pk_pair_store(&kprobe_calls, &call);
        return 0;
}

static __always_inline int connect_kprobe_exit(int ret)
{
        struct kprobe_call call;

        if (pk_pair_take(&kprobe_calls, &call))
                return 0;
        if (ret < 0)
                failed_early((const void *)call.sk, &call.dst, ret);
        return 0;
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(connect_v4_kprobe, struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
        return connect_kprobe_enter(sk, uaddr, addr_len, false);
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(connect_v4_kretprobe, int ret)
{
        return connect_kprobe_exit(ret);
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(connect_v6_kprobe, struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
        return connect_kprobe_enter(sk, uaddr, addr_len, true);
}

SEC("kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(connect_v6_kretprobe, int ret)
{
        return connect_kprobe_exit(ret);
}

/*
 * Mode `tracepoint`. CLOSE -> SYN_SENT happens inside tcp_vX_connect(), in
 * the connecting task, after the destination is set (the source port is
 * chosen just after: the outcome reads it). A BTF tracepoint, not the tracefs
 * one: the kernel hands the program its arguments instead of first copying
 * the event's whole record, which matters as the tracepoint fires for every
 * state change of every TCP socket, listeners' children included.
 */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(connect_state_tp, const struct sock *sk, int oldstate, int newstate)
{
        if (oldstate == TCP_CLOSE_ && newstate == TCP_SYN_SENT_) {
                struct pk_sockaddr src, dst;

                if (BPF_CORE_READ((const struct sock___pk *)sk, sk_protocol) != IPPROTO_TCP_ ||
                    !pk_task_wanted())
                        return 0;
                pk_sock_ends(sk, &src, &dst);
                if (dst_wanted(&dst))
                        start(sk);
                return 0;
        }
        return state_outcome(sk, oldstate, newstate);
}

/* Mode `syscall`: connect(fd, uservaddr, addrlen) as the caller made it. */
SEC("tp/syscalls/sys_enter_connect")
int connect_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
        struct syscall_args args = {.fd = (__s32)ctx->args[0]};

        if (!pk_task_wanted())
                return 0;
        if (pk_read_sockaddr(&args.dst, (const void *)ctx->args[1], (__u32)ctx->args[2], true))
                return 0; /* not an inet address: not a TCP/IP connect */
        if (!dst_wanted(&args.dst))
                return 0;
        args.start_ns = bpf_ktime_get_ns();
        pk_pair_store(&syscall_calls, &args);
        return 0;
}

SEC("tp/syscalls/sys_exit_connect")
int connect_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
        const struct sock___pk *sk;
        struct syscall_args args;
        struct pk_event_header hdr;
        __s32 ret = (__s32)ctx->ret;

        if (pk_pair_take(&syscall_calls, &args))
                return 0;
        if (ret == -ENOTSOCK_ || ret == -EBADF_)
                return 0; /* not a socket: nothing to report */
        sk = pk_file_sock(pk_fd_file(args.fd));
        if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP_ ||
            BPF_CORE_READ(sk, sk_type) != SOCK_STREAM_)
                return 0;
        pk_fill_header(&hdr, 0);
        emit(&hdr, sk, &args.dst, ret, ret == 0 ? (bpf_ktime_get_ns() - args.start_ns) | 1 : 0);
        return 0;
}
