/* SPDX-License-Identifier: MIT */
/*
 * probekit plugin ABI 2.0.
 *
 * A plugin is a shared object that exports one function,
 *
 *   PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void);
 *
 * returning a static descriptor. The descriptor starts with the ABI version it
 * was built against and its own size, and is only ever appended to: a host
 * reads no member past `struct_size`. The host accepts a plugin when the ABI
 * majors are equal and the host's minor is at least the plugin's.
 *
 * The plugin never links against host symbols: everything it needs from the
 * host comes through `struct pk_host`, a table of functions handed to its
 * callbacks. Plugins are loaded with dlopen(RTLD_NOW | RTLD_LOCAL).
 *
 * Version rules (see docs/writing-a-plugin.md, section 11). ABI 2 is the one
 * deliberate break after ABI 1; from here on it only grows by minors:
 *   - appending a member to struct pk_plugin or struct pk_host (which carry
 *     their size), or a new enum value or flag bit, bumps the minor;
 *   - the other structs are read as arrays (pk_option, pk_field, pk_name,
 *     pk_event_type, pk_attach_mode) or have no size (pk_probe_ops,
 *     pk_sink_ops, pk_record, pk_sink_stats, and struct pk_event_header and
 *     struct pk_bpf_config of event.h): they are frozen for a major; a minor
 *     extends them only through new members of struct pk_plugin;
 *   - changing or removing anything bumps the major. A host refuses a
 *     plugin of another major (an ABI 1 plugin with "rebuild it against
 *     SDK 2") or of a newer minor.
 *
 * This header is C11 and C++ clean and is the only header a plugin's user-space
 * part needs from probekit.
 */
#ifndef PROBEKIT_PLUGIN_H
#define PROBEKIT_PLUGIN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <probekit/event.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PK_ABI_MAJOR 2
#define PK_ABI_MINOR 0

/* The one symbol the loader looks up. */
#define PK_PLUGIN_SYMBOL "probekit_plugin"

#if defined(__GNUC__)
#define PK_PLUGIN_EXPORT     __attribute__((visibility("default")))
#define PK_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PK_PLUGIN_EXPORT
#define PK_PRINTF(fmt, args)
#endif

/*
 * C++: every member of the structs a plugin fills starts value-initialized
 * (0, NULL), as members left out of a C designated initializer are, so
 * g++ -Wextra does not flag the members a descriptor leaves out
 * (-Wmissing-field-initializers). Needs C++14 or later; layout unchanged.
 */
#ifdef __cplusplus
/* clang-format off */
#define PK_INIT {}
/* clang-format on */
#else
#define PK_INIT
#endif

/* Number of elements of a static array, for the (pointer, count) pairs below. */
#define PK_COUNT(array) (sizeof(array) / sizeof((array)[0]))

struct bpf_object;
struct bpf_link;
struct pk_instance; /* opaque: one configured probe or sink */

/* ------------------------------------------------------------------------ */
/* Options: declared by the plugin, parsed and validated by the host.        */

enum pk_option_type {
        PK_OPT_BOOL = 1,   /* true/false, yes/no, on/off, 1/0 */
        PK_OPT_INT = 2,    /* signed 64-bit, within [min, max] */
        PK_OPT_STRING = 3, /* at most `max` bytes when max > 0 */
        PK_OPT_ENUM = 4,   /* one of `choices` */
        PK_OPT_LIST = 5,   /* comma-separated strings, each at most `max` bytes when max > 0 */
};

struct pk_option {
        const char *key PK_INIT;
        enum pk_option_type type PK_INIT;
        const char *default_value PK_INIT; /* text, parsed like a value from the INI; NULL: unset */
        int64_t min PK_INIT;               /* PK_OPT_INT bounds */
        int64_t max PK_INIT;               /* PK_OPT_INT upper bound; STRING/LIST length limit */
        const char *const *choices PK_INIT; /* PK_OPT_ENUM: NULL-terminated */
        const char *help PK_INIT;
        /*
         * Optional: name of a `const volatile` global in the BPF object that the
         * host sets to the option's value before load (integers and bools by the
         * variable's size, strings as a NUL-padded char array, enums as the
         * index of the choice). Saves the plugin the code to do it.
         */
        const char *bpf_global PK_INIT;
};

/* ------------------------------------------------------------------------ */
/* Events: every sample starts with struct pk_event_header (event.h).        */

enum pk_field_type {
        PK_FIELD_U8 = 1,
        PK_FIELD_U16 = 2,
        PK_FIELD_U32 = 3,
        PK_FIELD_U64 = 4,
        PK_FIELD_S32 = 5,
        PK_FIELD_S64 = 6,
        PK_FIELD_BOOL = 7, /* one byte, 0 or not */
        PK_FIELD_STR =
            8, /* char array, NUL-terminated within `size`; size 0: to the sample's end */
        PK_FIELD_U64_ARRAY = 9, /* `size / 8` unsigned 64-bit values */
        /*
         * NUL-separated strings (argv): `size` bytes, or to the sample's end
         * when size is 0; a JSON array of strings. The value is .str: the
         * bytes, each string followed by its NUL.
         */
        PK_FIELD_STR_ARRAY = 10,
        PK_FIELD_IPV4 = 11, /* 4 bytes, network order; printed as text */
        PK_FIELD_IPV6 = 12, /* 16 bytes, network order; a v4-mapped address prints as IPv4 */
        PK_FIELD_S8 = 13,
        PK_FIELD_S16 = 14,
};

enum pk_field_flags {
        PK_FIELD_HEX = 1 << 0,         /* text sink shows it in hex */
        PK_FIELD_DURATION = 1 << 1,    /* nanoseconds */
        PK_FIELD_ERRNO = 1 << 2,       /* 0 or a negative errno: named (ENOENT) by the sinks */
        PK_FIELD_SIGNAL = 1 << 3,      /* a signal number: named (SIGKILL) by the sinks */
        PK_FIELD_SYSCALL = 1 << 4,     /* a syscall number of this machine: named (openat) */
        PK_FIELD_NET_ORDER = 1 << 5,   /* an integer in network byte order (ports) */
        PK_FIELD_ZERO_ABSENT = 1 << 6, /* 0 means "no value": printed as null / "-" */
};

/* A named value of a field (PK_NAMES_ENUM) or a named bit (PK_NAMES_FLAGS). */
struct pk_name {
        uint64_t value PK_INIT;
        const char *name PK_INIT;
};

enum pk_names_kind {
        PK_NAMES_ENUM = 1,  /* the value is one of the names; others print as numbers */
        PK_NAMES_FLAGS = 2, /* the value is a set of bits: "O_WRONLY|O_CREAT"; a name of
                               value 0 names the empty set, unnamed bits print in hex */
};

struct pk_names {
        enum pk_names_kind kind PK_INIT;
        uint32_t n_names PK_INIT;
        const struct pk_name *names PK_INIT;
};

struct pk_field {
        const char *name PK_INIT;
        /*
         * With a `btf_struct` event type, 0 means "from BTF"; a type here then
         * overrides what BTF says (STR_ARRAY, IPV4/IPV6 or BOOL for an array or
         * integer member of the same size).
         */
        enum pk_field_type type PK_INIT;
        uint32_t offset PK_INIT; /* in the sample (header included); ignored with btf_struct */
        uint32_t size PK_INIT;   /* bytes; for STR/STR_ARRAY, 0 means up to the sample's end */
        uint32_t flags PK_INIT;  /* enum pk_field_flags */
        const char *help PK_INIT;
        const struct pk_names *names PK_INIT; /* optional: names of values or bits */
};

/*
 * A decoded value; which member is set follows the field's type. Integers
 * are in host order (a PK_FIELD_NET_ORDER field is converted on decode).
 */
union pk_value {
        uint64_t u64; /* U8, U16, U32, U64, BOOL */
        int64_t s64;  /* S8, S16, S32, S64 */
        /*
         * STR, STR_ARRAY (every string with its NUL), IPV4 and IPV6 (the 4 or
         * 16 bytes of the address, network order)
         */
        struct {
                const char *ptr; /* not NUL-terminated necessarily; valid during the write */
                uint32_t len;
        } str;
        struct {
                const uint64_t *ptr;
                uint32_t len; /* number of elements */
        } arr;
};

/*
 * One decoded event, handed to every sink. The host's own fields (`pid`,
 * `tid`, `uid`, `auid`, `session`, `comm`, `cgroup`) come from `hdr` when it
 * is not NULL, each only when its PK_HDR_* bit is in hdr->present; the
 * event's own fields are `fields[i]` = `values[i]`, except those whose bit is
 * set in `absent` (fields past the 64th are always present).
 */
struct pk_record {
        const char *probe PK_INIT; /* instance name */
        const char *event PK_INIT; /* event type name */
        const char *mode PK_INIT;  /* attach mode used, NULL when the probe has one way only */
        uint64_t ts_ns PK_INIT;    /* CLOCK_REALTIME */
        const struct pk_event_header *hdr PK_INIT;
        const struct pk_field *fields PK_INIT;
        const union pk_value *values PK_INIT;
        uint32_t n_fields PK_INIT;
        uint32_t flags PK_INIT;  /* enum pk_record_flags */
        uint64_t absent PK_INIT; /* bit i: fields[i] has no value */
};

enum pk_record_flags {
        /*
         * Replayed from a capture without the plugin's decode(): the fields
         * shown are the declared ones, read from the sample's bytes.
         */
        PK_RECORD_PARTIAL = 1 << 0,
};

/*
 * Optional custom decoder for what declarations cannot express (computed
 * fields, lookups). It fills `values` (one per declared field) from the
 * sample, which the host has already checked to be within the event type's
 * [min_size, max_size]. Returns 0, or -errno to count the sample as malformed
 * and skip it. It must not allocate.
 */
typedef int (*pk_decode_fn)(void *plugin_state, const void *sample, size_t size,
                            union pk_value *values, uint64_t *absent);

enum pk_event_flags {
        /*
         * Records of this type are made in user space and sent with
         * host->emit(); no sample of it comes from the kernel, so its fields
         * have no layout to check (and a sample claiming it is malformed).
         */
        PK_EVENT_EMITTED = 1 << 0,
};

struct pk_event_type {
        const char *name PK_INIT;
        const char *help PK_INIT;
        /*
         * Without btf_struct: every field, with offset, size and type.
         * With btf_struct: annotations keyed by name (type 0 = from BTF,
         * flags, help, names); members of the struct not named here are
         * fields too, typed from BTF. Naming a member the struct lacks is a
         * load-time error.
         */
        const struct pk_field *fields PK_INIT;
        uint32_t n_fields PK_INIT;
        uint32_t min_size PK_INIT; /* smaller samples are malformed; 0 with btf_struct: its size */
        uint32_t max_size PK_INIT; /* larger ones too; 0: same as min_size */
        uint32_t flags PK_INIT;    /* enum pk_event_flags */
        pk_decode_fn decode PK_INIT; /* NULL: decode from the field declarations */
        /*
         * The C struct of this event's samples, by name, in the BTF of the
         * plugin's BPF object (it starts with struct pk_event_header). The
         * host reads field names, types, offsets and sizes from it.
         */
        const char *btf_struct PK_INIT;
};

/* ------------------------------------------------------------------------ */
/* Attach alternatives: ways to reach the same events, tried in order.       */

struct pk_attach_mode {
        const char *name PK_INIT; /* "kprobe", "fentry", "tracepoint", ... */
        /* BPF programs (by function name) this mode loads; NULL-terminated */
        const char *const *programs PK_INIT;
};

/* ------------------------------------------------------------------------ */
/* The host's function table.                                                */

enum pk_log_level {
        PK_LOG_ERROR = 0,
        PK_LOG_WARN = 1,
        PK_LOG_INFO = 2,
        PK_LOG_DEBUG = 3,
};

struct pk_host {
        uint32_t struct_size; /* check before using a member appended in a later minor */
        uint32_t abi_major;
        uint32_t abi_minor;

        /* Log a message prefixed with the instance name. */
        void (*log)(struct pk_instance *inst, enum pk_log_level level, const char *fmt, ...)
            PK_PRINTF(3, 4);

        const char *(*instance_name)(struct pk_instance *inst);

        /* Validated option values (declared options always have a value or are unset). */
        bool (*opt_is_set)(struct pk_instance *inst, const char *key);
        bool (*opt_bool)(struct pk_instance *inst, const char *key);
        int64_t (*opt_int)(struct pk_instance *inst, const char *key);
        const char *(*opt_string)(struct pk_instance *inst, const char *key); /* also ENUM */
        /* LIST: number of items; *items points at host-owned strings */
        size_t (*opt_list)(struct pk_instance *inst, const char *key, const char *const **items);

        /* Set a `const volatile` global of an opened, not yet loaded, BPF object. */
        int (*set_bpf_global)(struct pk_instance *inst, struct bpf_object *obj, const char *name,
                              const void *value, size_t size);

        /* Hand a link made by the plugin's own attach() to the host, which destroys it. */
        int (*add_link)(struct pk_instance *inst, struct bpf_link *link);

        /*
         * Consume another ring buffer map besides `pk_events`; its samples start
         * with struct pk_event_header and are decoded like `pk_events`' ones.
         */
        int (*add_ringbuf)(struct pk_instance *inst, int map_fd);

        /* Send a record made in user space (for instance from a map read in tick()). */
        int (*emit)(struct pk_instance *inst, const struct pk_record *rec);

        /* CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns) to CLOCK_REALTIME. */
        uint64_t (*mono_to_realtime)(uint64_t mono_ns);

        /*
         * From validate(): report an error in the value of option `key` (NULL:
         * the instance as a whole). The host prints it with the file and line
         * the value came from, and goes on collecting errors.
         */
        void (*option_error)(struct pk_instance *inst, const char *key, const char *fmt, ...)
            PK_PRINTF(3, 4);
};

/* ------------------------------------------------------------------------ */
/* Probe plugins.                                                           */

struct pk_probe_ops {
        /*
         * The BPF object to load: the skeleton's `<name>__elf_bytes` function.
         * Required.
         */
        const void *(*bpf_object)(size_t *size)PK_INIT;

        /*
         * All optional. The host's sequence for one instance:
         *   create(): validate and keep options; allocate state
         *   for each attach mode (or once, when there are none):
         *       open the BPF object; set pk_cfg, ring size and `bpf_global` options
         *       configure(): plugin-specific set-up of the opened object
         *       load; attach(), or attach every loaded program by its SEC() name
         *       on failure: close the object, log why, try the next mode
         *   loaded(): the object is live (read maps, remember fds)
         *   tick(): every stats interval while running, and once more after
         *       the rings are drained at exit, so aggregates report their last
         *       interval
         *   detach(): before the host destroys the links and closes the object
         *   destroy(): free state
         * Each returns 0 or -errno; a failure marks the instance failed with
         * the reason, and the other instances go on.
         */
        int (*create)(const struct pk_host *host, struct pk_instance *inst, void **state) PK_INIT;
        /* (create() may be called for `check` too: it must not touch the kernel.) */
        int (*configure)(void *state, struct bpf_object *obj, const char *mode) PK_INIT;
        int (*attach)(void *state, struct bpf_object *obj, const char *mode) PK_INIT;
        int (*loaded)(void *state, struct bpf_object *obj) PK_INIT;
        int (*tick)(void *state) PK_INIT;
        void (*detach)(void *state) PK_INIT;
        void (*destroy)(void *state) PK_INIT;
};

/* ------------------------------------------------------------------------ */
/* Sink plugins.                                                            */

/* What a sink reports of itself (stats()); every counter counts since open(). */
struct pk_sink_stats {
        uint64_t records PK_INIT; /* records written out (or acknowledged by the server) */
        uint64_t bytes PK_INIT;   /* bytes written out */
        uint64_t errors PK_INIT;  /* failed writes, connects, flushes */
        uint64_t dropped PK_INIT; /* records write() accepted, then lost (queue full, not acked) */
        uint64_t queued PK_INIT;  /* records write() accepted, not yet written or dropped */
        /* NULL when all is well; else what is wrong now ("reconnecting: ..."). */
        const char *condition PK_INIT;
};

struct pk_sink_ops {
        /*
         * Required: open with the instance's validated options (`output`, ...).
         * A failure here is a start-up error (the run does not start). A
         * server that is down is not a failure: open() succeeds and the sink
         * reconnects on its own, saying so in stats().condition.
         */
        int (*open)(const struct pk_host *host, struct pk_instance *inst, void **state) PK_INIT;
        /*
         * Required: write (or queue) one record; never block the caller.
         * Returns 0 when the record is written or queued; -EPIPE when the
         * reader is gone (the host ends the run, as a filter in a pipeline
         * does); any other -errno when this record could not be taken
         * (counted as dropped for this sink by the host). A record is never
         * written in part, and one error never stops a sink for good: it
         * retries with back-off on its own.
         */
        int (*write)(void *state, const struct pk_record *rec) PK_INIT;
        /* Required: push buffered output out. Called on every timer tick and at exit. */
        int (*flush)(void *state) PK_INIT;
        /* Required. */
        void (*close)(void *state) PK_INIT;
        /* Optional: reopen the output (log rotation: SIGUSR1, SIGHUP, `probekit reopen`). */
        int (*reopen)(void *state) PK_INIT;
        /* Optional: the sink's own counters; without it the host counts what it can. */
        void (*stats)(void *state, struct pk_sink_stats *stats) PK_INIT;
};

enum pk_plugin_kind {
        PK_KIND_PROBE = 1,
        PK_KIND_SINK = 2,
};

/* ------------------------------------------------------------------------ */
/* The descriptor: append only.                                             */

struct pk_plugin {
        uint32_t abi_major PK_INIT;   /* PK_ABI_MAJOR the plugin was built against */
        uint32_t abi_minor PK_INIT;   /* PK_ABI_MINOR the plugin was built against */
        uint32_t struct_size PK_INIT; /* sizeof(struct pk_plugin) the plugin was built with */
        enum pk_plugin_kind kind PK_INIT;

        const char *name PK_INIT;        /* required: [a-z0-9_]+ */
        const char *version PK_INIT;     /* required */
        const char *description PK_INIT; /* required: one line */

        const struct pk_option *options PK_INIT;
        uint32_t n_options PK_INIT;

        /* PK_KIND_PROBE: at least one event type; ops.bpf_object required */
        const struct pk_event_type *events PK_INIT;
        uint32_t n_events PK_INIT;
        const struct pk_attach_mode *attach_modes PK_INIT; /* in order of preference; optional */
        uint32_t n_attach_modes PK_INIT;
        const struct pk_probe_ops *probe PK_INIT;

        /* PK_KIND_SINK */
        const struct pk_sink_ops *sink PK_INIT;

        /*
         * Optional, either kind: check option values beyond what the schema
         * says (a syscall name that exists, a path that can be written),
         * without loading BPF or opening outputs, reporting each error with
         * host->option_error(). `probekit check` and every start call it
         * before anything else. Returns 0 or -EINVAL.
         */
        int (*validate)(const struct pk_host *host, struct pk_instance *inst) PK_INIT;
};

/*
 * Fills the version members; use as the first line of a descriptor. In C++
 * it works from C++20 on (designated initialisers, in declaration order, as
 * every example of the SDK writes them); C++14/17 code sets the members by
 * hand (see docs/writing-a-plugin.md).
 */
#define PK_PLUGIN_HEADER(plugin_kind)                                                              \
        .abi_major = PK_ABI_MAJOR, .abi_minor = PK_ABI_MINOR,                                      \
        .struct_size = sizeof(struct pk_plugin), .kind = (plugin_kind)

typedef const struct pk_plugin *(*pk_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* PROBEKIT_PLUGIN_H */
