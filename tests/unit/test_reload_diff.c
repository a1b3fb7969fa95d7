// SPDX-License-Identifier: MIT
/*
 * reload_diff.c: which running instances a reload keeps, restarts, stops,
 * and which it starts, from two configurations read with the real plan code
 * and the test's own plugin descriptors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "reload_diff.h"
#include "sample_plugins.h"
#include "unit_check.h"

static struct plugin_set plugins;

static void add_sample_plugins(void)
{
        const struct pk_plugin *descs[] = {&sample_alpha_probe, &sample_beta_probe,
                                           &sample_gamma_sink};
        char why[256] = "";

        for (size_t i = 0; i < PK_COUNT(descs); i++)
                EXPECT_INT(0,
                           plugin_set_add(&plugins, descs[i], NULL, "built-in", why, sizeof(why)));
}

static void build(const char *text, struct plan *plan)
{
        char err[2048] = "";
        struct config cfg;

        memset(plan, 0, sizeof(*plan));
        EXPECT_INT(0, config_read_string("x.ini", text, &cfg, err, sizeof(err)));
        if (!EXPECT_INT(0, plan_build(&cfg, &plugins, false, plan, err, sizeof(err))))
                fprintf(stderr, "  %s\n", err);
        config_free(&cfg);
}

/* The running side: one entry per spec of `plan`, as a run that started from it. */
static size_t as_current(const struct plan *plan, struct reload_current *current)
{
        for (size_t i = 0; i < plan->n_specs; i++)
                current[i] = (struct reload_current){plan->specs[i].name, plan->specs[i].plugin,
                                                     &plan->specs[i].opts};
        return plan->n_specs;
}

/* "name:action" for each step, in order, joined by spaces. */
static void describe(const struct reload_current *current, const struct plan *next,
                     const struct reload_step *steps, size_t n, char *out, size_t len)
{
        out[0] = '\0';
        for (size_t i = 0; i < n; i++) {
                const char *name = steps[i].action == RELOAD_START ? next->specs[steps[i].next].name
                                                                   : current[steps[i].current].name;

                snprintf(out + strlen(out), len - strlen(out), "%s%s:%s", i ? " " : "", name,
                         reload_action_name(steps[i].action));
        }
}

static void check_diff(const char *before, const char *after, const char *expected)
{
        struct reload_current current[16];
        struct reload_step *steps = NULL;
        struct plan old, next;
        char got[512];
        size_t n_current, n_steps = 0;

        build(before, &old);
        build(after, &next);
        n_current = as_current(&old, current);
        EXPECT_INT(0, reload_diff(current, n_current, next.specs, next.n_specs, &steps, &n_steps));
        describe(current, &next, steps, n_steps, got, sizeof(got));
        EXPECT_STR(expected, got);
        free(steps);
        plan_free(&old);
        plan_free(&next);
}

static const char base[] = "[a]\nplugin = alpha\ndepth = 3\n\n"
                           "[b]\nplugin = beta\n\n"
                           "[out]\nplugin = gamma\n";

static void test_nothing_changed(void)
{
        check_diff(base, base, "a:kept b:kept out:kept");
}

static void test_moved_lines_and_comments_change_nothing(void)
{
        /* the same values set on other lines, in another order: equal */
        check_diff(base,
                   "; a comment\n[b]\nplugin = beta\n\n[out]\nplugin = gamma\n\n"
                   "[a]\n\ndepth = 3\nplugin = alpha\n",
                   "a:kept b:kept out:kept");
}

static void test_a_default_written_out_changes_nothing(void)
{
        check_diff(base,
                   "[a]\nplugin = alpha\ndepth = 3\nverbose = false\n\n"
                   "[b]\nplugin = beta\n\n[out]\nplugin = gamma\n",
                   "a:kept b:kept out:kept");
}

static void test_changed_added_removed(void)
{
        check_diff(base,
                   "[a]\nplugin = alpha\ndepth = 4\n\n"
                   "[c]\nplugin = alpha\n\n[out]\nplugin = gamma\n",
                   "a:restarted b:stopped out:kept c:started");
}

static void test_list_option_order_matters(void)
{
        check_diff("[a]\nplugin = alpha\npaths = /x, /y\n", "[a]\nplugin = alpha\npaths = /y, /x\n",
                   "a:restarted");
}

static void test_another_plugin_under_the_same_name(void)
{
        check_diff(base, "[a]\nplugin = beta\n\n[b]\nplugin = beta\n\n[out]\nplugin = gamma\n",
                   "a:restarted b:kept out:kept");
}

static void test_disabling_in_the_config_restarts_it_as_disabled(void)
{
        check_diff(base,
                   "[a]\nplugin = alpha\ndepth = 3\nenabled = false\n\n"
                   "[b]\nplugin = beta\n\n[out]\nplugin = gamma\n",
                   "a:restarted b:kept out:kept");
}

static void test_plugin_file_identity(void)
{
        struct plugin_handle a = {.desc = {.name = "x"}, .path = "/p/x.so"};
        struct plugin_handle b = a;

        a.file = (struct plugin_file_id){.dev = 1, .ino = 2, .size = 3, .mtime_ns = 4};
        b.file = a.file;
        EXPECT(plugin_unchanged(&a, &b));
        b.file.mtime_ns = 5; /* rewritten in place */
        EXPECT(!plugin_unchanged(&a, &b));
        b.file = a.file;
        b.file.ino = 9; /* replaced by a new file */
        EXPECT(!plugin_unchanged(&a, &b));
        b.file = a.file;
        b.file.size = 7;
        EXPECT(!plugin_unchanged(&a, &b));
        b.file = a.file;
        b.path = "/q/x.so"; /* the same name found in another directory */
        EXPECT(!plugin_unchanged(&a, &b));
}

int main(void)
{
        add_sample_plugins();
        test_nothing_changed();
        test_moved_lines_and_comments_change_nothing();
        test_a_default_written_out_changes_nothing();
        test_changed_added_removed();
        test_list_option_order_matters();
        test_another_plugin_under_the_same_name();
        test_disabling_in_the_config_restarts_it_as_disabled();
        test_plugin_file_identity();
        plugin_set_free(&plugins);
        return unit_finish();
}
