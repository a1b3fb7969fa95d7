/* SPDX-License-Identifier: MIT */
/*
 * The layout of ABI 2.x, frozen: compiled as C11 and as C++17 by the
 * abi_header tests. Only struct pk_plugin and struct pk_host, which carry
 * their size, may grow at the end (a minor bump); the structs read as arrays
 * or without a size keep their size for the whole major. Anything that moves
 * one of these offsets, sizes or values is a major bump, and must come with a
 * new table here.
 */
#ifndef PROBEKIT_TEST_ABI_LAYOUT_H
#define PROBEKIT_TEST_ABI_LAYOUT_H

#include <stddef.h>

#include <probekit/plugin.h>

#ifdef __cplusplus
#define ABI_ASSERT(cond) static_assert(cond, #cond)
#else
#define ABI_ASSERT(cond) _Static_assert(cond, #cond)
#endif

#define ABI_AT(type, member, off) ABI_ASSERT(offsetof(type, member) == (off))

ABI_ASSERT(PK_ABI_MAJOR == 2);

/* Version and size come first so either side can be older. */
ABI_AT(struct pk_plugin, abi_major, 0);
ABI_AT(struct pk_plugin, abi_minor, 4);
ABI_AT(struct pk_plugin, struct_size, 8);
ABI_AT(struct pk_host, struct_size, 0);
ABI_AT(struct pk_host, abi_major, 4);
ABI_AT(struct pk_host, abi_minor, 8);

/* Shared with BPF programs: fixed on every architecture. */
ABI_ASSERT(sizeof(struct pk_event_header) == 56);
ABI_AT(struct pk_event_header, ts_ns, 0);
ABI_AT(struct pk_event_header, cgroup_id, 8);
ABI_AT(struct pk_event_header, pid, 16);
ABI_AT(struct pk_event_header, tid, 20);
ABI_AT(struct pk_event_header, uid, 24);
ABI_AT(struct pk_event_header, auid, 28);
ABI_AT(struct pk_event_header, session, 32);
ABI_AT(struct pk_event_header, type, 36);
ABI_AT(struct pk_event_header, present, 38);
ABI_AT(struct pk_event_header, comm, 40);
ABI_ASSERT(PK_HDR_TASK == 1 && PK_HDR_CGROUP == 2 && PK_HDR_AUID == 4 && PK_HDR_SESSION == 8);
ABI_AT(struct pk_bpf_config, self_tgid, 0);
ABI_AT(struct pk_bpf_config, filter_pid, 4);
ABI_AT(struct pk_bpf_config, filter_uid, 8);
ABI_AT(struct pk_bpf_config, wakeup_bytes, 12);
ABI_AT(struct pk_bpf_config, filter_comm, 16);
ABI_AT(struct pk_bpf_config, filter_auid, 32);
ABI_AT(struct pk_bpf_config, filter_session, 36);
ABI_AT(struct pk_bpf_config, login_only, 40);
ABI_AT(struct pk_bpf_config, filter_cgroup_level, 44);
ABI_AT(struct pk_bpf_config, filter_cgroup, 48);
ABI_ASSERT(sizeof(struct pk_bpf_config) == 56);

ABI_ASSERT(PK_OPT_BOOL == 1 && PK_OPT_INT == 2 && PK_OPT_STRING == 3 && PK_OPT_ENUM == 4 &&
           PK_OPT_LIST == 5);
ABI_ASSERT(PK_FIELD_U8 == 1 && PK_FIELD_U16 == 2 && PK_FIELD_U32 == 3 && PK_FIELD_U64 == 4 &&
           PK_FIELD_S32 == 5 && PK_FIELD_S64 == 6 && PK_FIELD_BOOL == 7 && PK_FIELD_STR == 8 &&
           PK_FIELD_U64_ARRAY == 9 && PK_FIELD_STR_ARRAY == 10 && PK_FIELD_IPV4 == 11 &&
           PK_FIELD_IPV6 == 12 && PK_FIELD_S8 == 13 && PK_FIELD_S16 == 14);
ABI_ASSERT(PK_FIELD_HEX == 1 && PK_FIELD_DURATION == 2 && PK_FIELD_ERRNO == 4 &&
           PK_FIELD_SIGNAL == 8 && PK_FIELD_SYSCALL == 16 && PK_FIELD_NET_ORDER == 32 &&
           PK_FIELD_ZERO_ABSENT == 64);
ABI_ASSERT(PK_NAMES_ENUM == 1 && PK_NAMES_FLAGS == 2);
ABI_ASSERT(PK_RECORD_PARTIAL == 1);
ABI_ASSERT(PK_LOG_ERROR == 0 && PK_LOG_WARN == 1 && PK_LOG_INFO == 2 && PK_LOG_DEBUG == 3);
ABI_ASSERT(PK_KIND_PROBE == 1 && PK_KIND_SINK == 2);

#if defined(__LP64__)
/* Read as arrays or without a size: frozen for the major. */
ABI_ASSERT(sizeof(struct pk_option) == 64);
ABI_ASSERT(sizeof(struct pk_field) == 40);
ABI_ASSERT(sizeof(struct pk_event_type) == 56);
ABI_ASSERT(sizeof(struct pk_attach_mode) == 16);
ABI_ASSERT(sizeof(struct pk_probe_ops) == 64);
ABI_ASSERT(sizeof(struct pk_sink_ops) == 48);
ABI_ASSERT(sizeof(struct pk_sink_stats) == 48);
ABI_ASSERT(sizeof(struct pk_name) == 16);
ABI_ASSERT(sizeof(struct pk_names) == 16);
ABI_ASSERT(sizeof(union pk_value) == 16); /* decode() fills an array of them */

ABI_AT(struct pk_option, key, 0);
ABI_AT(struct pk_option, type, 8);
ABI_AT(struct pk_option, default_value, 16);
ABI_AT(struct pk_option, min, 24);
ABI_AT(struct pk_option, max, 32);
ABI_AT(struct pk_option, choices, 40);
ABI_AT(struct pk_option, help, 48);
ABI_AT(struct pk_option, bpf_global, 56);

ABI_AT(struct pk_field, name, 0);
ABI_AT(struct pk_field, type, 8);
ABI_AT(struct pk_field, offset, 12);
ABI_AT(struct pk_field, size, 16);
ABI_AT(struct pk_field, flags, 20);
ABI_AT(struct pk_field, help, 24);
ABI_AT(struct pk_field, names, 32);
ABI_AT(struct pk_names, kind, 0);
ABI_AT(struct pk_names, n_names, 4);
ABI_AT(struct pk_names, names, 8);

ABI_AT(union pk_value, u64, 0);
ABI_AT(union pk_value, str.ptr, 0);
ABI_AT(union pk_value, str.len, 8);
ABI_AT(union pk_value, arr.ptr, 0);
ABI_AT(union pk_value, arr.len, 8);

ABI_AT(struct pk_record, probe, 0);
ABI_AT(struct pk_record, event, 8);
ABI_AT(struct pk_record, mode, 16);
ABI_AT(struct pk_record, ts_ns, 24);
ABI_AT(struct pk_record, hdr, 32);
ABI_AT(struct pk_record, fields, 40);
ABI_AT(struct pk_record, values, 48);
ABI_AT(struct pk_record, n_fields, 56);
ABI_AT(struct pk_record, flags, 60);
ABI_AT(struct pk_record, absent, 64);

ABI_AT(struct pk_event_type, name, 0);
ABI_AT(struct pk_event_type, help, 8);
ABI_AT(struct pk_event_type, fields, 16);
ABI_AT(struct pk_event_type, n_fields, 24);
ABI_AT(struct pk_event_type, min_size, 28);
ABI_AT(struct pk_event_type, max_size, 32);
ABI_AT(struct pk_event_type, flags, 36);
ABI_AT(struct pk_event_type, decode, 40);
ABI_AT(struct pk_event_type, btf_struct, 48);

ABI_AT(struct pk_attach_mode, name, 0);
ABI_AT(struct pk_attach_mode, programs, 8);

ABI_AT(struct pk_host, log, 16);
ABI_AT(struct pk_host, instance_name, 24);
ABI_AT(struct pk_host, opt_is_set, 32);
ABI_AT(struct pk_host, opt_bool, 40);
ABI_AT(struct pk_host, opt_int, 48);
ABI_AT(struct pk_host, opt_string, 56);
ABI_AT(struct pk_host, opt_list, 64);
ABI_AT(struct pk_host, set_bpf_global, 72);
ABI_AT(struct pk_host, add_link, 80);
ABI_AT(struct pk_host, add_ringbuf, 88);
ABI_AT(struct pk_host, emit, 96);
ABI_AT(struct pk_host, mono_to_realtime, 104);
ABI_AT(struct pk_host, option_error, 112);

ABI_AT(struct pk_probe_ops, bpf_object, 0);
ABI_AT(struct pk_probe_ops, create, 8);
ABI_AT(struct pk_probe_ops, configure, 16);
ABI_AT(struct pk_probe_ops, attach, 24);
ABI_AT(struct pk_probe_ops, loaded, 32);
ABI_AT(struct pk_probe_ops, tick, 40);
ABI_AT(struct pk_probe_ops, detach, 48);
ABI_AT(struct pk_probe_ops, destroy, 56);

ABI_AT(struct pk_sink_ops, open, 0);
ABI_AT(struct pk_sink_ops, write, 8);
ABI_AT(struct pk_sink_ops, flush, 16);
ABI_AT(struct pk_sink_ops, close, 24);
ABI_AT(struct pk_sink_ops, reopen, 32);
ABI_AT(struct pk_sink_ops, stats, 40);
ABI_AT(struct pk_sink_stats, records, 0);
ABI_AT(struct pk_sink_stats, bytes, 8);
ABI_AT(struct pk_sink_stats, errors, 16);
ABI_AT(struct pk_sink_stats, dropped, 24);
ABI_AT(struct pk_sink_stats, queued, 32);
ABI_AT(struct pk_sink_stats, condition, 40);

ABI_AT(struct pk_plugin, kind, 12);
ABI_AT(struct pk_plugin, name, 16);
ABI_AT(struct pk_plugin, version, 24);
ABI_AT(struct pk_plugin, description, 32);
ABI_AT(struct pk_plugin, options, 40);
ABI_AT(struct pk_plugin, n_options, 48);
ABI_AT(struct pk_plugin, events, 56);
ABI_AT(struct pk_plugin, n_events, 64);
ABI_AT(struct pk_plugin, attach_modes, 72);
ABI_AT(struct pk_plugin, n_attach_modes, 80);
ABI_AT(struct pk_plugin, probe, 88);
ABI_AT(struct pk_plugin, sink, 96);
ABI_AT(struct pk_plugin, validate, 104);
#endif /* __LP64__ */

#endif /* PROBEKIT_TEST_ABI_LAYOUT_H */
