// SPDX-License-Identifier: MIT
#include "validate.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "errlist.h"
#include "instance.h"
#include "task_filter.h"

static void core_error(const struct instance_spec *spec, const char *key, const char *path,
                       char *err, size_t err_len, const char *msg)
{
        const struct option_value *v = option_set_get(&spec->opts, key);

        if (v && v->line)
                errlist_add(err, err_len, "%s:%u: [%s] %s: %s", path, v->line, spec->name, key,
                            msg);
        else
                errlist_add(err, err_len, "%s: [%s] %s: %s", path, spec->name, key, msg);
}

/* `cgroup` must name a cgroup v2 directory that exists now. */
static int validate_cgroup(const struct instance_spec *spec, const char *path, char *err,
                           size_t err_len)
{
        const struct option_value *v = option_set_get(&spec->opts, "cgroup");
        char mount[PATH_MAX], why[PATH_MAX + 256];
        uint32_t level;
        uint64_t id;

        if (!v || !v->s || !*v->s)
                return 0;
        if (task_filter_cgroup2_mount("/proc/self/mountinfo", mount, sizeof(mount))) {
                core_error(spec, "cgroup", path, err, err_len,
                           "no cgroup v2 hierarchy is mounted on this machine");
                return -EINVAL;
        }
        if (task_filter_cgroup_resolve(mount, v->s, &id, &level, why, sizeof(why))) {
                core_error(spec, "cgroup", path, err, err_len, why);
                return -EINVAL;
        }
        return 0;
}

/* The core's rules for its own probe options; the schema says the rest. */
static int validate_core_probe_options(const struct instance_spec *spec, const char *path,
                                       char *err, size_t err_len)
{
        const struct option_value *ring = option_set_get(&spec->opts, "ring_size");
        int rc = 0;

        if (ring && ring->i & (ring->i - 1)) {
                core_error(spec, "ring_size", path, err, err_len,
                           "must be a power of two (4K, 8K, ... 1G)");
                rc = -EINVAL;
        }
        if (validate_cgroup(spec, path, err, err_len))
                rc = -EINVAL;
        return rc;
}

int spec_validate(const struct instance_spec *spec, const char *path, char *err, size_t err_len)
{
        struct host_validation ctx = {.path = path, .err = err, .err_len = err_len};
        struct pk_instance inst;
        int rc = 0, plugin_rc;

        if (spec->plugin->desc.kind == PK_KIND_PROBE)
                rc = validate_core_probe_options(spec, path, err, err_len);
        if (!spec->plugin->desc.validate)
                return rc;
        /* the plugin sees the instance through the host table, as it will at run time */
        memset(&inst, 0, sizeof(inst));
        inst.name = spec->name;
        inst.plugin = spec->plugin;
        inst.opts = spec->opts;
        inst.drops_fd = -1;
        host_set_validation(&ctx);
        plugin_rc = spec->plugin->desc.validate(host_table(), &inst);
        host_set_validation(NULL);
        if (plugin_rc && !ctx.errors)
                errlist_add(err, err_len, "%s: [%s]: the plugin refused its options (%s)", path,
                            spec->name, strerror(plugin_rc < 0 ? -plugin_rc : plugin_rc));
        if (plugin_rc || ctx.errors)
                rc = -EINVAL;
        return rc;
}
