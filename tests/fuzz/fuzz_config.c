// SPDX-License-Identifier: MIT
/*
 * The INI reader and the plan: any bytes as a configuration file, validated
 * against the option schemas of the sample plugins of the unit tests (every
 * option type). Errors are expected; crashes, leaks and undefined behaviour
 * are not, and every error must name a line.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "errlist.h"
#include "plan.h"
#include "sample_plugins.h"

static struct plugin_set plugins;

static void load_plugins(void)
{
        const struct pk_plugin *descs[] = {&sample_alpha_probe, &sample_beta_probe,
                                           &sample_gamma_sink};
        char why[256];

        for (size_t i = 0; i < PK_COUNT(descs); i++) {
                if (plugin_set_add(&plugins, descs[i], NULL, "built-in", why, sizeof(why)))
                        abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct option_set global = {0};
        struct plan plan = {0};
        struct config cfg;
        char err[8192];
        char *text;

        if (!plugins.n)
                load_plugins();
        /* the file reader refuses NUL bytes; a string cannot hold them */
        text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        err[0] = '\0';
        if (config_read_string("fuzz.ini", text, &cfg, err, sizeof(err)) != -ENOMEM) {
                if (!plan_read_globals(&cfg, &global, err, sizeof(err)))
                        plan_build(&cfg, &plugins, false, &plan, err, sizeof(err));
        }
        /* a message must never be cut: the list ends with a whole line */
        if (strlen(err) >= sizeof(err) - 1)
                abort();
        plan_free(&plan);
        option_set_free(&global);
        config_free(&cfg);
        free(text);
        return 0;
}
