/* SPDX-License-Identifier: MIT */
/*
 * Two floors for the syscall firehose with events leaving the kernel, both
 * raw_tp/sys_enter programs filtered to one process:
 *
 * ring_sys_enter: the bare ring buffer. A 40-byte event per call, reserved
 *   and submitted, with the SDK's batched wakeup (once as the waiting data
 *   passes a threshold). What any ring-buffer tracer pays at least.
 *
 * batch_sys_enter: the in-kernel batching experiment. Events are appended
 *   to a per-CPU staging buffer and leave in one bpf_ringbuf_output() per
 *   buffer; a buffer older than FLUSH_NS goes out with the next event, and
 *   a CPU-pinned bpf_timer (armed by a syscall program: tracing programs
 *   cannot use timers) sends a lone event's buffer within FLUSH_NS.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

#define EVENT_BYTES 40
#define BATCH_BYTES 8192
#define WAKEUP_BYTES (256u << 10)
#define FLUSH_NS (50ull * 1000 * 1000)
#define RETRY_NS (1ull * 1000 * 1000)
#define MAX_CPUS 256
/* newer than Debian 12's <linux/bpf.h>: keep the timer on the CPU that armed it */
#define TIMER_CPU_PIN (1ull << 1)
#define CLOCK_MONOTONIC 1

const volatile __u32 target_tgid = 0;

struct event {
        __u64 ts_ns;
        __u64 pid_tgid;
        __u64 id;
        __u64 arg0;
        __u64 arg1;
};

struct staging {
        __u64 first_ns;
        __u32 len;
        __u32 busy;
        __u8 data[BATCH_BYTES];
};

struct {
        __uint(type, BPF_MAP_TYPE_RINGBUF);
        __uint(max_entries, 16 << 20);
} events SEC(".maps");

struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, MAX_CPUS);
        __type(key, __u32);
        __type(value, struct staging);
} staging SEC(".maps");

/* A map holding timers cannot be used by tracing programs: the timers live apart. */
struct flush_timer {
        struct bpf_timer timer;
};

struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, MAX_CPUS);
        __type(key, __u32);
        __type(value, struct flush_timer);
} timers SEC(".maps");

__u64 drops = 0;
__u64 batches = 0;
__u64 timer_flushes = 0;

static __always_inline __u64 wakeup_flags(__u64 size)
{
        __u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);

        if (avail < WAKEUP_BYTES)
                return BPF_RB_NO_WAKEUP;
        if (avail < WAKEUP_BYTES + size || avail >= (16u << 20) / 2)
                return BPF_RB_FORCE_WAKEUP;
        return BPF_RB_NO_WAKEUP;
}

SEC("raw_tp/sys_enter")
int ring_sys_enter(__u64 *ctx)
{
        struct event *e;

        if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
                return 0;
        e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
        if (!e) {
                __sync_fetch_and_add(&drops, 1);
                return 0;
        }
        e->ts_ns = bpf_ktime_get_ns();
        e->pid_tgid = bpf_get_current_pid_tgid();
        e->id = ctx[1];
        e->arg0 = 0;
        e->arg1 = 0;
        bpf_ringbuf_submit(e, wakeup_flags(EVENT_BYTES));
        return 0;
}

static __always_inline void flush(struct staging *s)
{
        __u32 n = s->len;

        if (n > BATCH_BYTES)
                n = BATCH_BYTES;
        if (n && bpf_ringbuf_output(&events, s->data, n, wakeup_flags(n)))
                __sync_fetch_and_add(&drops, n / EVENT_BYTES);
        else if (n)
                __sync_fetch_and_add(&batches, 1);
        s->len = 0;
}

/*
 * Every FLUSH_NS on each CPU: send what waits in that CPU's buffer. Runs in
 * softirq on the CPU the timer was pinned to; if it interrupted the program
 * inside the buffer, it comes back a millisecond later.
 */
static int on_timer(void *map, __u32 *key, struct flush_timer *t)
{
        struct staging *s = bpf_map_lookup_elem(&staging, key);

        (void)map;
        if (!s)
                return 0;
        if (s->busy) {
                bpf_timer_start(&t->timer, RETRY_NS, TIMER_CPU_PIN);
                return 0;
        }
        if (s->len && bpf_ktime_get_ns() - s->first_ns >= FLUSH_NS / 2) {
                flush(s);
                __sync_fetch_and_add(&timer_flushes, 1);
        }
        bpf_timer_start(&t->timer, FLUSH_NS / 2, TIMER_CPU_PIN);
        return 0;
}

/*
 * Tracing programs cannot use bpf_timer: this one, run by the loader with
 * BPF_PROG_RUN on each CPU in turn, arms that CPU's timer.
 */
SEC("syscall")
int arm_timer(void *ctx)
{
        __u32 cpu = bpf_get_smp_processor_id();
        struct flush_timer *t = bpf_map_lookup_elem(&timers, &cpu);

        (void)ctx;
        if (!t)
                return 1;
        bpf_timer_init(&t->timer, &timers, CLOCK_MONOTONIC);
        bpf_timer_set_callback(&t->timer, on_timer);
        return bpf_timer_start(&t->timer, FLUSH_NS / 2, TIMER_CPU_PIN) ? 2 : 0;
}

SEC("raw_tp/sys_enter")
int batch_sys_enter(__u64 *ctx)
{
        __u32 cpu = bpf_get_smp_processor_id();
        struct staging *s;
        struct event *e;
        __u64 now;
        __u32 off;

        if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
                return 0;
        s = bpf_map_lookup_elem(&staging, &cpu);
        if (!s)
                return 0;
        s->busy = 1;
        now = bpf_ktime_get_ns();
        off = s->len;
        if (off > BATCH_BYTES - EVENT_BYTES) {
                flush(s);
                off = 0;
        }
        e = (void *)(s->data + off);
        e->ts_ns = now;
        e->pid_tgid = bpf_get_current_pid_tgid();
        e->id = ctx[1];
        e->arg0 = 0;
        e->arg1 = 0;
        s->len = off + EVENT_BYTES;
        if (off == 0)
                s->first_ns = now;
        if (s->len > BATCH_BYTES - EVENT_BYTES || now - s->first_ns >= FLUSH_NS)
                flush(s);
        s->busy = 0;
        return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
