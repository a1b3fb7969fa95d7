// SPDX-License-Identifier: MIT
/*
 * The control protocol: any bytes as one request line, run against a run
 * with a probe and a sink whose names hold quotes, escapes and invalid
 * UTF-8. Only commands that read state are run (help, list, stats,
 * sessions) or words that are no command; every reply, an error's too,
 * must be whole lines.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control_commands.h"
#include "loader.h"
#include "plan.h"
#include "run.h"
#include "sample_plugins.h"
#include "strbuf.h"

static struct plugin_set plugins;
static struct run run;
static struct pk_instance instances[2];

static const char *const read_only[] = {"help", "list", "stats", "sessions"};

static void make_instance(struct pk_instance *inst, const char *name, const char *plugin)
{
        struct instance_spec spec;
        char err[256];

        if (instance_spec_init(&spec, name, plugin_set_find(&plugins, plugin), 0, err, sizeof(err)))
                abort();
        memset(inst, 0, sizeof(*inst));
        inst->name = spec.name;
        inst->plugin = spec.plugin;
        inst->opts = spec.opts;
        inst->drops_fd = -1;
        inst->state = INSTANCE_ATTACHED;
        inst->events = 12345;
}

static void setup(void)
{
        const struct pk_plugin *descs[] = {&sample_beta_probe, &sample_gamma_sink};
        char why[256];

        for (size_t i = 0; i < PK_COUNT(descs); i++) {
                if (plugin_set_add(&plugins, descs[i], NULL, "built-in", why, sizeof(why)))
                        abort();
        }
        make_instance(&instances[0], "probe \"q\" \\ \x1b[31m \xff", "beta");
        make_instance(&instances[1], "sink\n", "gamma");
        run.probes = &instances[0];
        run.n_probes = 1;
        run.sinks = &instances[1];
        run.n_sinks = 1;
        run.epoll_fd = run.signal_fd = run.timer_fd = -1;
}

/*
 * Whether the request's command (its first word, split as the server splits
 * it) only reads state, or is no command at all: those are run. reload,
 * enable and the like would act on the fake run.
 */
static int allowed(const char *line)
{
        char first[64];
        size_t skip = strspn(line, " \t"), word = strcspn(line + skip, " \t");

        if (word >= sizeof(first))
                return 1;
        memcpy(first, line + skip, word);
        first[word] = '\0';
        if (!control_command_find(first))
                return 1;
        for (size_t i = 0; i < PK_COUNT(read_only); i++) {
                if (!strcmp(first, read_only[i]))
                        return 1;
        }
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct strbuf out = {0};
        char *line;

        if (!run.probes)
                setup();
        if (size > 1024)
                return 0;
        line = malloc(size + 1);
        if (!line)
                return 0;
        memcpy(line, data, size);
        line[size] = '\0';
        line[strcspn(line, "\r\n")] = '\0';
        if (allowed(line)) {
                control_execute(&run, line, &out);
                if (!out.error && (!out.len || out.data[out.len - 1] != '\n'))
                        abort(); /* every reply, error or not, is whole lines */
        }
        strbuf_free(&out);
        free(line);
        return 0;
}
