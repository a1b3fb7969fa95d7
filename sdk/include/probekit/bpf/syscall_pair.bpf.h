/* SPDX-License-Identifier: MIT */
/*
 * Pairing a call's entry with its return, per thread: what the entry saw
 * (arguments, a timestamp) is kept in a hash map keyed by thread id until the
 * return, which takes it back. For syscall tracepoints (sys_enter_X /
 * sys_exit_X) and kprobe/kretprobe pairs; an fexit program sees both ends at
 * once and needs none of this.
 *
 *   #include <probekit/bpf/probekit.bpf.h>
 *   #include <probekit/bpf/syscall_pair.bpf.h>
 *
 *   struct open_args { __u64 start_ns; const char *path; __u32 flags; };
 *   PK_PAIR_MAP(open_calls, struct open_args, 10240);
 *
 *   entry:  struct open_args a = {...};  pk_pair_store(&open_calls, &a);
 *   return: struct open_args a;  if (pk_pair_take(&open_calls, &a)) return 0;
 *
 * Keep the value small (the arguments, not a whole event): the map is
 * preallocated, one entry per thread that is inside the call at once. A
 * store into a full map is counted in pk_drops, so a call that cannot be
 * paired is never lost silently. An entry whose return never came (the
 * thread exec'd or died inside the call) is overwritten by the next call of
 * a thread with the same id.
 */
#ifndef PROBEKIT_SYSCALL_PAIR_BPF_H
#define PROBEKIT_SYSCALL_PAIR_BPF_H

#include <probekit/bpf/probekit.bpf.h>

#ifndef PK_PAIR_DEFAULT_ENTRIES
#define PK_PAIR_DEFAULT_ENTRIES 10240
#endif

/* A per-thread map `name` of `value_type`, at most `entries` calls in flight. */
#define PK_PAIR_MAP(name, value_type, entries)                                                     \
        struct {                                                                                   \
                __uint(type, BPF_MAP_TYPE_HASH);                                                   \
                __uint(max_entries, (entries));                                                    \
                __type(key, __u32);                                                                \
                __type(value, value_type);                                                         \
        } name SEC(".maps")

static __always_inline __u32 pk_current_tid(void)
{
        return (__u32)bpf_get_current_pid_tgid();
}

/* Keep `value` for this thread's return; 0, or -errno (counted as a drop). */
static __always_inline long pk_pair_store(void *map, const void *value)
{
        __u32 tid = pk_current_tid();
        long err = bpf_map_update_elem(map, &tid, value, BPF_ANY);

        if (err)
                pk_count_drop();
        return err;
}

/* This thread's stored value, left in the map (NULL: none). */
static __always_inline void *pk_pair_peek(void *map)
{
        __u32 tid = pk_current_tid();

        return bpf_map_lookup_elem(map, &tid);
}

/* Forget this thread's stored value. */
static __always_inline void pk_pair_forget(void *map)
{
        __u32 tid = pk_current_tid();

        bpf_map_delete_elem(map, &tid);
}

/*
 * Copy this thread's stored value into `out` (a struct of the map's value
 * type) and remove it from the map. Returns 0, or -ENOENT when the entry was
 * filtered out or began before the probe attached.
 */
#define pk_pair_take(map, out)                                                                     \
        ({                                                                                         \
                __u32 __pk_tid = pk_current_tid();                                                 \
                void *__pk_v = bpf_map_lookup_elem((map), &__pk_tid);                              \
                int __pk_rc = -2; /* -ENOENT */                                                    \
                if (__pk_v) {                                                                      \
                        __builtin_memcpy((out), __pk_v, sizeof(*(out)));                           \
                        bpf_map_delete_elem((map), &__pk_tid);                                     \
                        __pk_rc = 0;                                                               \
                }                                                                                  \
                __pk_rc;                                                                           \
        })

#endif /* PROBEKIT_SYSCALL_PAIR_BPF_H */
