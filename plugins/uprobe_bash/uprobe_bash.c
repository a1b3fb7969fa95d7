// SPDX-License-Identifier: MIT
/*
 * uprobe_bash: every line an interactive bash reads with readline.
 *
 * attach() finds readline in each configured binary (readline_target.c) and
 * puts the one BPF program there as a uretprobe. A binary that cannot be
 * probed is logged and skipped; the probe fails only when none can be.
 */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC, stat */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/libbpf.h>
#include <probekit/plugin.h>

#include "readline_target.h"
#include "uprobe_bash.h"
#include "uprobe_bash.skel.h"

#define STR(x)  #x
#define XSTR(x) STR(x)

static const struct pk_option options[] = {
    {.key = "binaries",
     .type = PK_OPT_LIST,
     .default_value = "/bin/bash",
     .max = 4096,
     .help = "programs to probe: readline is looked up in each one, or in the "
             "libreadline.so it links"},
    {.key = "max_line",
     .type = PK_OPT_INT,
     .default_value = "256",
     .min = 1,
     .max = UPROBE_BASH_LINE_MAX,
     .help = "bytes of each line kept (at most " XSTR(UPROBE_BASH_LINE_MAX) ")",
     .bpf_global = "max_line"},
};

/* Layout and types from struct readline_event in the BPF object's BTF; the order is the output's.
 */
static const struct pk_field readline_fields[] = {
    {.name = "line", .help = "the line entered, without its newline"}, /* the tail */
    {.name = "line_truncated",
     .type = PK_FIELD_BOOL, /* a __u8 in the struct */
     .help = "the line was longer than max_line and was cut"},
};

static const struct pk_event_type events[] = {
    [UPROBE_BASH_EVENT_READLINE] = {.name = "readline",
                                    .help = "one line read by readline",
                                    .fields = readline_fields,
                                    .n_fields = PK_COUNT(readline_fields),
                                    .min_size = UPROBE_BASH_SAMPLE_MIN,
                                    .max_size = UPROBE_BASH_SAMPLE_MAX,
                                    .btf_struct = "readline_event"},
};

struct uprobe_bash_state {
        const struct pk_host *host;
        struct pk_instance *inst;
};

static int uprobe_bash_create(const struct pk_host *host, struct pk_instance *inst, void **out)
{
        struct uprobe_bash_state *state = calloc(1, sizeof(*state));

        if (!state)
                return -ENOMEM;
        state->host = host;
        state->inst = inst;
        *out = state;
        return 0;
}

/* Files already probed, so /bin/bash and /usr/bin/bash give one event a line. */
struct probed_files {
        dev_t dev[64];
        ino_t ino[64];
        size_t n;
};

static bool probed_before(struct probed_files *probed, const char *path)
{
        struct stat st;

        if (stat(path, &st))
                return false; /* attaching will report it */
        for (size_t i = 0; i < probed->n; i++) {
                if (probed->dev[i] == st.st_dev && probed->ino[i] == st.st_ino)
                        return true;
        }
        if (probed->n < PK_COUNT(probed->dev)) {
                probed->dev[probed->n] = st.st_dev;
                probed->ino[probed->n] = st.st_ino;
                probed->n++;
        }
        return false;
}

static int attach_binary(struct uprobe_bash_state *state, struct bpf_program *prog,
                         const char *binary, struct probed_files *probed, char *reason,
                         size_t reason_size)
{
        LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = true);
        struct readline_target target;
        struct bpf_link *link;
        int err;

        err = readline_target_find(binary, &target, reason, reason_size);
        if (err)
                return err;
        if (probed_before(probed, target.path)) {
                state->host->log(state->inst, PK_LOG_INFO, "%s: %s already probed", binary,
                                 target.path);
                return 0;
        }
        link = bpf_program__attach_uprobe_opts(prog, -1, target.path, target.offset, &opts);
        if (!link) {
                err = -errno;
                snprintf(reason, reason_size, "%s: uretprobe on %s in %s: %s", binary,
                         target.function, target.path, strerror(-err));
                return err;
        }
        err = state->host->add_link(state->inst, link);
        if (err) {
                snprintf(reason, reason_size, "%s: keeping the link: %s", binary, strerror(-err));
                return err;
        }
        state->host->log(state->inst, PK_LOG_INFO, "%s: uretprobe on %s in %s", binary,
                         target.function, target.path);
        return 0;
}

static int uprobe_bash_attach(void *opaque, struct bpf_object *obj, const char *mode)
{
        struct uprobe_bash_state *state = opaque;
        struct bpf_program *prog = bpf_object__find_program_by_name(obj, "readline_return");
        struct probed_files probed = {.n = 0};
        const char *const *binaries;
        size_t n = state->host->opt_list(state->inst, "binaries", &binaries);
        size_t attached = 0;
        char reason[READLINE_TARGET_PATH_MAX + 256] = "no binaries configured";
        int err = -ENOENT;

        (void)mode;
        if (!prog)
                return -ENOENT;
        for (size_t i = 0; i < n; i++) {
                int binary_err =
                    attach_binary(state, prog, binaries[i], &probed, reason, sizeof(reason));

                if (binary_err) {
                        state->host->log(state->inst, PK_LOG_WARN, "skipped %s", reason);
                        err = binary_err;
                        continue;
                }
                attached++;
        }
        if (attached)
                return 0;
        state->host->log(state->inst, PK_LOG_ERROR, "no binary could be probed (last: %s)", reason);
        return err;
}

static void uprobe_bash_destroy(void *state)
{
        free(state);
}

static const struct pk_probe_ops probe_ops = {
    .bpf_object = uprobe_bash_bpf__elf_bytes,
    .create = uprobe_bash_create,
    .attach = uprobe_bash_attach,
    .destroy = uprobe_bash_destroy,
};

static const struct pk_plugin plugin = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "uprobe_bash",
    .version = "0.1.0",
    .description = "lines entered in interactive bash (uretprobe on readline)",
    .options = options,
    .n_options = PK_COUNT(options),
    .events = events,
    .n_events = PK_COUNT(events),
    .probe = &probe_ops,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &plugin;
}
