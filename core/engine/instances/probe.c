// SPDX-License-Identifier: MIT
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach_check.h"
#include "log.h"
#include "task_filter.h"

static bool list_has(const char *const *names, const char *name)
{
        for (size_t i = 0; names && names[i]; i++) {
                if (!strcmp(names[i], name))
                        return true;
        }
        return false;
}

/* A program loads in `mode` if that mode lists it, or if no mode does. */
static bool program_in_mode(const struct pk_plugin *d, const struct pk_attach_mode *mode,
                            const char *prog)
{
        if (!mode)
                return true;
        if (list_has(mode->programs, prog))
                return true;
        for (uint32_t i = 0; i < d->n_attach_modes; i++) {
                if (list_has(d->attach_modes[i].programs, prog))
                        return false;
        }
        return true;
}

bool probe_wakes_every_sample(const struct pk_instance *inst)
{
        const struct option_value *wakeup = option_set_get(&inst->opts, "wakeup");

        return wakeup && wakeup->s && !strcmp(wakeup->s, "every");
}

static uint32_t wakeup_threshold(const struct pk_instance *inst, int64_t ring_size)
{
        int64_t quarter = ring_size / 4;

        if (probe_wakes_every_sample(inst))
                return 0;
        return (uint32_t)(quarter < 256 * 1024 ? quarter : 256 * 1024);
}

/* Filters, self exclusion and wakeup policy, written into the object's pk_cfg. */
static int write_core_config(struct pk_instance *inst, struct bpf_object *obj, char *why,
                             size_t why_len)
{
        struct pk_bpf_config cfg = {0};
        struct bpf_map *ring = bpf_object__find_map_by_name(obj, "pk_events");
        int64_t ring_size = option_set_get(&inst->opts, "ring_size")->i;
        const char *comm = option_set_get(&inst->opts, "comm")->s;
        int rc;

        if (ring_size & (ring_size - 1)) {
                snprintf(why, why_len, "ring_size %lld is not a power of two",
                         (long long)ring_size);
                return -EINVAL;
        }
        cfg.self_tgid = (uint32_t)getpid();
        cfg.filter_pid = (uint32_t)option_set_get(&inst->opts, "pid")->i;
        cfg.filter_uid = (uint32_t)option_set_get(&inst->opts, "uid")->i;
        cfg.wakeup_bytes = wakeup_threshold(inst, ring_size);
        if (comm)
                strncpy(cfg.filter_comm, comm, sizeof(cfg.filter_comm) - 1);
        rc = task_filter_fill(&inst->opts, &cfg, why, why_len);
        if (rc)
                return rc;
        if (ring) {
                rc = bpf_map__set_max_entries(ring, (uint32_t)ring_size);
                if (rc) {
                        snprintf(why, why_len, "setting ring_size: %s", strerror(-rc));
                        return rc;
                }
        }
        rc = bpf_global_set(obj, "pk_cfg", &cfg, sizeof(cfg), why, why_len);
        if (rc == -ENOENT) {
                /* a plugin not using the SDK's BPF helpers has no filters to set */
                log_debug(inst->name, "no pk_cfg in its BPF object: core filters not applied");
                return 0;
        }
        return rc;
}

static int write_option_globals(struct pk_instance *inst, struct bpf_object *obj, char *why,
                                size_t why_len)
{
        for (size_t i = 0; i < inst->opts.n; i++) {
                const struct pk_option *decl = inst->opts.decls[i];
                int rc;

                if (!decl->bpf_global)
                        continue;
                rc = bpf_global_set_option(obj, decl, &inst->opts.values[i], why, why_len);
                if (rc)
                        return rc;
        }
        return 0;
}

static int select_programs(struct pk_instance *inst, struct bpf_object *obj,
                           const struct pk_attach_mode *mode, const struct probe_env *env,
                           char *why, size_t why_len)
{
        const struct pk_plugin *d = &inst->plugin->desc;
        struct bpf_program *prog;

        bpf_object__for_each_program(prog, obj)
        {
                bool load = program_in_mode(d, mode, bpf_program__name(prog));
                int rc;

                bpf_program__set_autoload(prog, load);
                if (!load)
                        continue;
                rc = attach_precheck(bpf_program__name(prog), bpf_program__section_name(prog),
                                     env->mount_tracefs, why, why_len);
                if (rc)
                        return rc;
        }
        return 0;
}

static void destroy_links(struct pk_instance *inst)
{
        for (size_t i = 0; i < inst->n_links; i++)
                bpf_link__destroy(inst->links[i]);
        free(inst->links);
        inst->links = NULL;
        inst->n_links = 0;
}

static int attach_programs(struct pk_instance *inst, struct bpf_object *obj, char *why,
                           size_t why_len)
{
        const struct pk_host *host = host_table();
        struct bpf_program *prog;

        bpf_object__for_each_program(prog, obj)
        {
                struct bpf_link *link;
                int rc;

                if (!bpf_program__autoload(prog))
                        continue;
                link = bpf_program__attach(prog);
                rc = libbpf_get_error(link);
                if (rc) {
                        snprintf(why, why_len, "attaching %s (%s): %s", bpf_program__name(prog),
                                 bpf_program__section_name(prog), strerror(-rc));
                        attach_explain_failure(bpf_program__section_name(prog), rc, why, why_len);
                        return rc;
                }
                rc = host->add_link(inst, link);
                if (rc) {
                        bpf_link__destroy(link);
                        return rc;
                }
        }
        return 0;
}

static void close_object(struct pk_instance *inst)
{
        destroy_links(inst);
        bpf_object__close(inst->obj);
        inst->obj = NULL;
        inst->drops_fd = -1;
}

static int load_object(struct pk_instance *inst, char *why, size_t why_len)
{
        const char *libbpf_said;
        int rc = bpf_object__load(inst->obj);

        if (!rc)
                return 0;
        libbpf_said = log_libbpf_reason();
        snprintf(why, why_len, "loading the BPF object: %s%s%s%s", strerror(-rc),
                 rc == -EPERM ? " (this kernel refuses the program type)" : "",
                 *libbpf_said ? "; libbpf: " : "", libbpf_said);
        return rc;
}

/*
 * libbpf's own last error line after a failed attach: the errno alone says
 * "No such process" where libbpf said which symbol or file it missed.
 */
static void add_libbpf_reason(char *why, size_t why_len)
{
        const char *said = log_libbpf_reason();
        size_t used = strlen(why);

        if (*said && used < why_len)
                snprintf(why + used, why_len - used, "; libbpf: %s", said);
}

/* The plugin's attach(), or every loaded program by its section; libbpf's reason on failure. */
static int attach_object(struct pk_instance *inst, const char *mode_name, char *why, size_t why_len)
{
        const struct pk_plugin *d = &inst->plugin->desc;
        int rc;

        log_libbpf_set_owner(inst->name); /* what libbpf says next is the attach's */
        if (d->probe->attach) {
                rc = d->probe->attach(inst->plugin_state, inst->obj, mode_name);
                if (rc)
                        snprintf(why, why_len, "attach(): %s", strerror(-rc));
        } else {
                rc = attach_programs(inst, inst->obj, why, why_len);
        }
        if (rc)
                add_libbpf_reason(why, why_len);
        return rc;
}

static int try_mode(struct pk_instance *inst, const struct pk_attach_mode *mode,
                    const struct probe_env *env, char *why, size_t why_len)
{
        const struct pk_plugin *d = &inst->plugin->desc;
        const char *mode_name = mode ? mode->name : NULL;
        LIBBPF_OPTS(bpf_object_open_opts, open_opts, .object_name = d->name);
        const void *bytes;
        size_t size = 0;
        int rc, ring_fd;

        bytes = d->probe->bpf_object(&size);
        inst->obj = bpf_object__open_mem(bytes, size, &open_opts);
        rc = libbpf_get_error(inst->obj);
        if (rc) {
                inst->obj = NULL;
                snprintf(why, why_len, "opening the BPF object: %s", strerror(-rc));
                return rc;
        }
        rc = select_programs(inst, inst->obj, mode, env, why, why_len);
        if (!rc)
                rc = write_core_config(inst, inst->obj, why, why_len);
        if (!rc)
                rc = write_option_globals(inst, inst->obj, why, why_len);
        if (!rc && d->probe->configure) {
                rc = d->probe->configure(inst->plugin_state, inst->obj, mode_name);
                if (rc)
                        snprintf(why, why_len, "configure(): %s", strerror(-rc));
        }
        if (!rc)
                rc = load_object(inst, why, why_len);
        if (!rc)
                rc = attach_object(inst, mode_name, why, why_len);
        if (rc)
                goto fail;
        inst->drops_fd = bpf_object__find_map_fd_by_name(inst->obj, "pk_drops");
        ring_fd = bpf_object__find_map_fd_by_name(inst->obj, "pk_events");
        if (ring_fd >= 0) {
                rc = host_table()->add_ringbuf(inst, ring_fd);
                if (rc) {
                        snprintf(why, why_len, "consuming its ring buffer: %s", strerror(-rc));
                        goto fail;
                }
        }
        inst->mode = mode_name;
        return 0;
fail:
        if (d->probe->detach && inst->n_links)
                d->probe->detach(inst->plugin_state);
        close_object(inst);
        return rc;
}

static void append_reason(struct pk_instance *inst, const char *mode, const char *why)
{
        size_t used = strlen(inst->reason);

        snprintf(inst->reason + used, sizeof(inst->reason) - used, "%s%s%s%s", used ? "; " : "",
                 mode ? mode : "", mode ? ": " : "", why);
}

static int alloc_scratch(struct pk_instance *inst)
{
        const struct pk_plugin *d = &inst->plugin->desc;
        uint32_t widest = 1;

        for (uint32_t i = 0; i < d->n_events; i++) {
                if (d->events[i].n_fields > widest)
                        widest = d->events[i].n_fields;
        }
        inst->values = calloc(widest, sizeof(*inst->values));
        return inst->values ? 0 : -ENOMEM;
}

static int start_modes(struct pk_instance *inst, const struct probe_env *env)
{
        const struct pk_plugin *d = &inst->plugin->desc;
        const struct option_value *forced = option_set_get(&inst->opts, "attach");
        char why[512];
        int rc = -ENOENT;

        if (!d->n_attach_modes) {
                why[0] = '\0';
                rc = try_mode(inst, NULL, env, why, sizeof(why));
                if (rc)
                        append_reason(inst, NULL, why);
                return rc;
        }
        for (uint32_t i = 0; i < d->n_attach_modes; i++) {
                const struct pk_attach_mode *mode = &d->attach_modes[i];

                if (forced && strcmp(forced->s, "auto") && strcmp(forced->s, mode->name))
                        continue;
                why[0] = '\0';
                log_libbpf_set_owner(inst->name);
                rc = try_mode(inst, mode, env, why, sizeof(why));
                if (!rc)
                        break;
                append_reason(inst, mode->name, why);
                log_info(inst->name, "attach mode %s skipped: %s", mode->name, why);
        }
        return rc;
}

uint64_t realtime_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int probe_start(struct pk_instance *inst, const struct probe_env *env)
{
        const struct pk_plugin *d = &inst->plugin->desc;
        int rc;

        inst->drops_fd = -1;
        inst->reason[0] = '\0';
        log_libbpf_set_owner(inst->name);
        rc = alloc_scratch(inst);
        if (rc)
                goto fail;
        if (d->probe->create) {
                rc = d->probe->create(host_table(), inst, &inst->plugin_state);
                if (rc) {
                        char why[128];

                        snprintf(why, sizeof(why), "create() failed: %s", strerror(-rc));
                        append_reason(inst, NULL, why);
                        goto fail;
                }
        }
        rc = start_modes(inst, env);
        if (rc)
                goto fail;
        if (d->probe->loaded) {
                rc = d->probe->loaded(inst->plugin_state, inst->obj);
                if (rc) {
                        append_reason(inst, NULL, "loaded() failed");
                        close_object(inst);
                        goto fail;
                }
        }
        inst->state = INSTANCE_ATTACHED;
        inst->since_ns = realtime_ns();
        log_libbpf_set_owner(NULL);
        if (inst->mode)
                log_info(inst->name, "attached (mode %s)", inst->mode);
        else
                log_info(inst->name, "attached");
        return 0;
fail:
        log_libbpf_set_owner(NULL);
        inst->state = INSTANCE_FAILED;
        if (!inst->reason[0])
                append_reason(inst, NULL, strerror(-rc));
        log_error(inst->name, "failed: %s", inst->reason);
        return rc;
}

void probe_read_drops(struct pk_instance *inst)
{
        int ncpu = libbpf_num_possible_cpus();
        uint64_t total = 0;
        uint32_t zero = 0;

        if (inst->drops_fd < 0 || ncpu <= 0)
                return;
        {
                uint64_t per_cpu[ncpu];

                if (bpf_map_lookup_elem(inst->drops_fd, &zero, per_cpu))
                        return;
                for (int i = 0; i < ncpu; i++)
                        total += per_cpu[i];
        }
        inst->drops = inst->drops_before + total;
}

void probe_stop(struct pk_instance *inst)
{
        const struct pk_plugin *d = &inst->plugin->desc;

        if (inst->obj) {
                probe_read_drops(inst);
                /* the next start counts from a new map: keep what this one counted */
                inst->drops_before = inst->drops;
                if (d->probe->detach)
                        d->probe->detach(inst->plugin_state);
                close_object(inst);
                if (inst->state == INSTANCE_ATTACHED)
                        inst->state = INSTANCE_DETACHED;
        }
        if (inst->plugin_state && d->probe->destroy)
                d->probe->destroy(inst->plugin_state);
        inst->plugin_state = NULL;
        free(inst->values);
        inst->values = NULL;
}
