// SPDX-License-Identifier: MIT
/*
 * file_open, user side: the descriptor, the options that become BPF globals,
 * and the decoder (the directory follows the path in the sample, so its
 * place is known only from path_len).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/fcntl.h> /* this architecture's O_* values, as the kernel uses them */
#include <probekit/plugin.h>

#include "file_open.h"
#include "file_open.skel.h"

/* Access modes are a 2-bit number, not bits: O_RDONLY is the value 0. */
static const struct pk_name open_flag_names[] = {
    {0, "O_RDONLY"},
    {O_WRONLY, "O_WRONLY"},
    {O_RDWR, "O_RDWR"},
    {O_CREAT, "O_CREAT"},
    {O_EXCL, "O_EXCL"},
    {O_NOCTTY, "O_NOCTTY"},
    {O_TRUNC, "O_TRUNC"},
    {O_APPEND, "O_APPEND"},
    {O_NONBLOCK, "O_NONBLOCK"},
    {O_SYNC, "O_SYNC"}, /* before O_DSYNC, which it includes */
    {O_DSYNC, "O_DSYNC"},
    {FASYNC, "O_ASYNC"},
    {O_DIRECT, "O_DIRECT"},
    {O_LARGEFILE, "O_LARGEFILE"},
    {O_TMPFILE, "O_TMPFILE"}, /* before O_DIRECTORY, which it includes */
    {O_DIRECTORY, "O_DIRECTORY"},
    {O_NOFOLLOW, "O_NOFOLLOW"},
    {O_NOATIME, "O_NOATIME"},
    {O_CLOEXEC, "O_CLOEXEC"},
    {O_PATH, "O_PATH"},
};

static const struct pk_names open_flags = {
    .kind = PK_NAMES_FLAGS,
    .n_names = PK_COUNT(open_flag_names),
    .names = open_flag_names,
};

static const struct pk_name dfd_name_list[] = {{(uint64_t)(int64_t)AT_FDCWD, "AT_FDCWD"}};
static const struct pk_names dfd_names = {
    .kind = PK_NAMES_ENUM,
    .n_names = PK_COUNT(dfd_name_list),
    .names = dfd_name_list,
};

static const struct pk_name dir_from_list[] = {
    {FILE_OPEN_DIR_NONE, "none"},
    {FILE_OPEN_DIR_CWD, "cwd"},
    {FILE_OPEN_DIR_DIRFD, "dirfd"},
    {FILE_OPEN_DIR_UNRESOLVED, "unresolved"},
};
static const struct pk_names dir_from_names = {
    .kind = PK_NAMES_ENUM,
    .n_names = PK_COUNT(dir_from_list),
    .names = dir_from_list,
};

static const struct pk_option options[] = {
    {.key = "failed_only",
     .type = PK_OPT_BOOL,
     .default_value = "false",
     .help = "report only opens that failed (ret < 0)",
     .bpf_global = "failed_only"},
    {.key = "path_prefix",
     .type = PK_OPT_STRING,
     .max = FILE_OPEN_PREFIX_MAX - 1,
     .help = "report only opens of names under this absolute prefix (e.g. /etc/): the path as "
             "given, or for a relative one the directory it is relative to joined with it; "
             "checked in the kernel",
     .bpf_global = "path_prefix"},
    {.key = "flags",
     .type = PK_OPT_LIST,
     .max = 16,
     .help = "report only opens with any of these flags, e.g. O_WRONLY,O_RDWR,O_CREAT,O_TRUNC "
             "for the opens that may write (O_RDONLY, O_WRONLY, O_RDWR match the access mode)"},
};

enum open_field {
        F_PATH,
        F_PATH_TRUNCATED,
        F_DIR,
        F_DIR_FROM,
        F_DIR_TRUNCATED,
        F_DFD,
        F_FLAGS,
        F_MODE,
        F_RET,
        F_COUNT,
};

#define EVENT_FIELD(member) offsetof(struct file_open_event, member)

static const struct pk_field open_fields[F_COUNT] = {
    [F_PATH] = {.name = "path",
                .type = PK_FIELD_STR,
                .offset = EVENT_FIELD(strings),
                .size = 0,
                .help = "the path as passed to the call"},
    [F_PATH_TRUNCATED] = {.name = "path_truncated",
                          .type = PK_FIELD_BOOL,
                          .offset = EVENT_FIELD(path_truncated),
                          .size = 1,
                          .help = "path was longer than 4095 bytes and is cut"},
    [F_DIR] = {.name = "dir",
               .type = PK_FIELD_STR,
               /* after the path: placed by decode_open() */
               .offset = EVENT_FIELD(strings),
               .size = 0,
               .help = "for a relative path, the directory it is relative to; absent for an "
                       "absolute path or when it could not be named"},
    [F_DIR_FROM] = {.name = "dir_from",
                    .type = PK_FIELD_U8,
                    .offset = EVENT_FIELD(dir_from),
                    .size = 1,
                    .names = &dir_from_names,
                    .help = "none (absolute path), cwd, dirfd, or unresolved"},
    [F_DIR_TRUNCATED] = {.name = "dir_truncated",
                         .type = PK_FIELD_BOOL,
                         .offset = EVENT_FIELD(dir_truncated),
                         .size = 1,
                         .help = "dir keeps only its innermost components (deeper than 40 or "
                                 "longer than 4095 bytes)"},
    [F_DFD] = {.name = "dfd",
               .type = PK_FIELD_S32,
               .offset = EVENT_FIELD(dfd),
               .size = 4,
               .names = &dfd_names,
               .help = "directory fd passed to openat()/openat2(); AT_FDCWD for open(), creat()"},
    [F_FLAGS] = {.name = "flags",
                 .type = PK_FIELD_U32,
                 .offset = EVENT_FIELD(flags),
                 .size = 4,
                 .names = &open_flags,
                 .help = "open flags"},
    [F_MODE] = {.name = "file_mode",
                .type = PK_FIELD_U32,
                .offset = EVENT_FIELD(mode),
                .size = 4,
                .help = "permission bits of a created file (decimal: 420 is 0644); 0 otherwise"},
    [F_RET] = {.name = "ret",
               .type = PK_FIELD_S32,
               .offset = EVENT_FIELD(ret),
               .size = 4,
               .flags = PK_FIELD_ERRNO,
               .help = "the new file descriptor, or -errno"},
};

static int decode_open(void *plugin_state, const void *sample, size_t size, union pk_value *values,
                       uint64_t *absent)
{
        const struct file_open_event *ev = sample;
        size_t fixed = EVENT_FIELD(strings);
        size_t strings = size - fixed; /* the host checked size >= min_size > fixed */

        (void)plugin_state;
        if (ev->path_len == 0 || ev->path_len + (size_t)ev->dir_len != strings)
                return -EINVAL;
        values[F_PATH].str.ptr = ev->strings;
        values[F_PATH].str.len = (uint32_t)strnlen(ev->strings, ev->path_len);
        values[F_PATH_TRUNCATED].u64 = ev->path_truncated != 0;
        if (ev->dir_len) {
                const char *dir = ev->strings + ev->path_len;

                values[F_DIR].str.ptr = dir;
                values[F_DIR].str.len = (uint32_t)strnlen(dir, ev->dir_len);
        } else {
                values[F_DIR].str.ptr = "";
                values[F_DIR].str.len = 0;
                *absent |= 1ull << F_DIR;
        }
        values[F_DIR_FROM].u64 = ev->dir_from;
        values[F_DIR_TRUNCATED].u64 = ev->dir_truncated != 0;
        values[F_DFD].s64 = ev->dfd;
        values[F_FLAGS].u64 = ev->flags;
        values[F_MODE].u64 = ev->mode;
        values[F_RET].s64 = ev->ret;
        return 0;
}

static const struct pk_event_type open_events[] = {
    {
        .name = "open",
        .help = "an open(), openat(), openat2() or creat(), at return",
        .fields = open_fields,
        .n_fields = F_COUNT,
        .min_size = EVENT_FIELD(strings) + 1,
        .max_size = sizeof(struct file_open_event),
        .decode = decode_open,
    },
};

static const char *const fexit_programs[] = {"open_fexit", NULL};
static const char *const kprobe_programs[] = {"open_kprobe_enter", "open_kprobe_exit", NULL};
static const char *const tracepoint_programs[] = {
    "open_tp_enter_open",  "open_tp_exit_open",     "open_tp_enter_openat",
    "open_tp_exit_openat", "open_tp_enter_openat2", "open_tp_exit_openat2",
    "open_tp_enter_creat", "open_tp_exit_creat",    NULL,
};

/*
 * Cheapest first: one trampoline at the return; then a kprobe and a
 * kretprobe; then the syscall tracepoints, whose enabling sends every
 * syscall of every task through the kernel's slow syscall path.
 */
static const struct pk_attach_mode open_attach_modes[] = {
    {.name = "fexit", .programs = fexit_programs},
    {.name = "kprobe", .programs = kprobe_programs},
    {.name = "tracepoint", .programs = tracepoint_programs},
};

/* The `flags` option, as the two BPF filter words. */
struct flags_filter {
        uint32_t any;      /* bits: report an open that has one of them */
        uint32_t accmodes; /* 1 << access mode: report an open with that access mode */
};

/* One `flags` item ("O_CREAT" or "creat", any case); -EINVAL if unknown. */
static int add_flag(struct flags_filter *filter, const char *item)
{
        for (size_t i = 0; i < PK_COUNT(open_flag_names); i++) {
                const char *name = open_flag_names[i].name;
                uint64_t value = open_flag_names[i].value;

                if (strcasecmp(item, name) && strcasecmp(item, name + 2))
                        continue;
                if (value <= O_ACCMODE)
                        filter->accmodes |= 1u << value;
                else
                        filter->any |= (uint32_t)value;
                return 0;
        }
        return -EINVAL;
}

static int read_flags_filter(const struct pk_host *host, struct pk_instance *inst,
                             struct flags_filter *filter, bool report)
{
        const char *const *items;
        size_t n = host->opt_list(inst, "flags", &items);
        int rc = 0;

        memset(filter, 0, sizeof(*filter));
        for (size_t i = 0; i < n; i++) {
                if (!add_flag(filter, items[i]))
                        continue;
                if (report)
                        host->option_error(inst, "flags",
                                           "unknown open flag '%s' (O_RDONLY, O_WRONLY, O_RDWR, "
                                           "O_CREAT, O_TRUNC, O_APPEND, ...)",
                                           items[i]);
                rc = -EINVAL;
        }
        return rc;
}

static int file_open_validate(const struct pk_host *host, struct pk_instance *inst)
{
        struct flags_filter filter;
        int rc = read_flags_filter(host, inst, &filter, true);

        if (host->opt_is_set(inst, "path_prefix")) {
                const char *prefix = host->opt_string(inst, "path_prefix");

                if (prefix[0] != '/') {
                        host->option_error(inst, "path_prefix",
                                           "'%s' is not absolute: the prefix is matched against "
                                           "absolute names",
                                           prefix);
                        rc = -EINVAL;
                }
        }
        return rc;
}

struct file_open_state {
        const struct pk_host *host;
        struct pk_instance *inst;
        struct flags_filter filter;
};

static int file_open_create(const struct pk_host *host, struct pk_instance *inst, void **out)
{
        struct file_open_state *state = calloc(1, sizeof(*state));
        int rc;

        if (!state)
                return -ENOMEM;
        state->host = host;
        state->inst = inst;
        rc = read_flags_filter(host, inst, &state->filter, false);
        if (rc) {
                free(state);
                return rc;
        }
        *out = state;
        return 0;
}

static int file_open_configure(void *opaque, struct bpf_object *obj, const char *mode)
{
        struct file_open_state *state = opaque;
        int rc;

        (void)mode;
        if (!state->filter.any && !state->filter.accmodes)
                return 0;
        rc = state->host->set_bpf_global(state->inst, obj, "flags_any", &state->filter.any,
                                         sizeof(state->filter.any));
        if (rc)
                return rc;
        return state->host->set_bpf_global(state->inst, obj, "accmodes", &state->filter.accmodes,
                                           sizeof(state->filter.accmodes));
}

static void file_open_destroy(void *state)
{
        free(state);
}

static const struct pk_probe_ops file_open_probe = {
    .bpf_object = file_open_bpf__elf_bytes,
    .create = file_open_create,
    .configure = file_open_configure,
    .destroy = file_open_destroy,
};

static const struct pk_plugin file_open_plugin = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "file_open",
    .version = "0.1.0",
    .description = "file opens with path, directory, flags, mode and result (opensnoop)",
    .options = options,
    .n_options = PK_COUNT(options),
    .events = open_events,
    .n_events = PK_COUNT(open_events),
    .attach_modes = open_attach_modes,
    .n_attach_modes = PK_COUNT(open_attach_modes),
    .probe = &file_open_probe,
    .validate = file_open_validate,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &file_open_plugin;
}
