// SPDX-License-Identifier: MIT
/*
 * plan.c: from an INI text and a plugin set made of the test's own
 * descriptors to validated instance specs, and every error's file:line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "sample_plugins.h"
#include "unit_check.h"

static struct plugin_set plugins;

static bool add_sample_plugins(void)
{
        const struct pk_plugin *descs[] = {&sample_alpha_probe, &sample_beta_probe,
                                           &sample_gamma_sink};
        char why[256] = "";

        for (size_t i = 0; i < PK_COUNT(descs); i++) {
                if (!EXPECT_INT(0, plugin_set_add(&plugins, descs[i], NULL, "built-in", why,
                                                  sizeof(why)))) {
                        fprintf(stderr, "  %s\n", why);
                        return false;
                }
        }
        return true;
}

/* plan_build on `text` read as "x.ini"; returns plan_build's result. */
static int build(const char *text, bool all_probes, struct plan *plan, char *err, size_t err_len)
{
        struct config cfg;
        int rc;

        err[0] = '\0';
        memset(plan, 0, sizeof(*plan));
        rc = config_read_string("x.ini", text, &cfg, err, err_len);
        if (!EXPECT_INT(0, rc)) {
                fprintf(stderr, "  %s\n", err);
                config_free(&cfg);
                return rc;
        }
        rc = plan_build(&cfg, &plugins, all_probes, plan, err, err_len);
        config_free(&cfg);
        return rc;
}

static const struct instance_spec *find_spec(const struct plan *plan, const char *name)
{
        for (size_t i = 0; i < plan->n_specs; i++) {
                if (!strcmp(plan->specs[i].name, name))
                        return &plan->specs[i];
        }
        fprintf(stderr, "  no instance '%s' in the plan\n", name);
        return NULL;
}

static const struct option_value *value_of(const struct instance_spec *spec, const char *key)
{
        const struct option_value *v = option_set_get(&spec->opts, key);
        static const struct option_value none = {0};

        if (!v) {
                fprintf(stderr, "  instance '%s' has no option '%s'\n", spec->name, key);
                return &none;
        }
        return v;
}

static void test_globals(void)
{
        struct option_set global;
        struct config cfg;
        char err[512] = "";

        config_read_string("x.ini", "[other]\n", &cfg, err, sizeof(err));
        EXPECT_INT(0, plan_read_globals(&cfg, &global, err, sizeof(err)));
        EXPECT_STR("text", option_set_get(&global, "format")->s);
        EXPECT_STR("-", option_set_get(&global, "output")->s);
        EXPECT_INT(25, option_set_get(&global, "flush_interval_ms")->i);
        EXPECT(!option_set_get(&global, "plugin_dir")->set);
        option_set_free(&global);
        config_free(&cfg);

        config_read_string("x.ini", "[probekit]\nformat = json\nplugin_dir = /a, /b\n", &cfg, err,
                           sizeof(err));
        EXPECT_INT(0, plan_read_globals(&cfg, &global, err, sizeof(err)));
        EXPECT_STR("json", option_set_get(&global, "format")->s);
        EXPECT_INT(2, option_set_get(&global, "format")->line);
        EXPECT_INT(2, option_set_get(&global, "plugin_dir")->n_items);
        option_set_free(&global);
        config_free(&cfg);

        config_read_string("x.ini", "[probekit]\nformat = json\ncolour = red\n", &cfg, err,
                           sizeof(err));
        EXPECT_INT(-EINVAL, plan_read_globals(&cfg, &global, err, sizeof(err)));
        EXPECT_HAS(err, "x.ini:3: unknown option 'colour' in [probekit]");
        option_set_free(&global);
        config_free(&cfg);

        config_read_string("x.ini", "[probekit]\n\nformat = xml\n", &cfg, err, sizeof(err));
        EXPECT_INT(-EINVAL, plan_read_globals(&cfg, &global, err, sizeof(err)));
        EXPECT_STR("x.ini:3: format: 'xml' is not one of text|json|capture|none", err);
        option_set_free(&global);
        config_free(&cfg);
}

static const char two_alphas[] = "[probekit]\n"     /* 1 */
                                 "format = json\n"  /* 2 */
                                 "[alpha]\n"        /* 3 */
                                 "depth = 50\n"     /* 4 */
                                 "verbose = yes\n"  /* 5 */
                                 "prefix = ab\n"    /* 6 */
                                 "style = long\n"   /* 7 */
                                 "paths = a, b,c\n" /* 8 */
                                 "[copy]\n"         /* 9 */
                                 "plugin = alpha\n" /* 10 */
                                 "depth = 3\n"      /* 11 */
                                 "attach = fentry\n"
                                 "[gamma]\n"
                                 "output = /tmp/x\n";

/* One plugin run twice, with different options. */
static void test_sections_and_plugin_key(void)
{
        const struct instance_spec *alpha, *copy, *gamma;
        struct plan plan;
        char err[512];

        if (!EXPECT_INT(0, build(two_alphas, false, &plan, err, sizeof(err))))
                fprintf(stderr, "  %s\n", err);
        EXPECT_INT(3, plan.n_specs);
        alpha = find_spec(&plan, "alpha");
        copy = find_spec(&plan, "copy");
        gamma = find_spec(&plan, "gamma");
        if (!EXPECT(alpha && copy && gamma)) {
                plan_free(&plan);
                return;
        }
        EXPECT(alpha->plugin == plugin_set_find(&plugins, "alpha"));
        EXPECT(copy->plugin == alpha->plugin);
        EXPECT(gamma->plugin == plugin_set_find(&plugins, "gamma"));
        EXPECT_INT(3, alpha->line);
        EXPECT_INT(9, copy->line);

        EXPECT_INT(50, value_of(alpha, "depth")->i);
        EXPECT_INT(4, value_of(alpha, "depth")->line);
        EXPECT_INT(true, value_of(alpha, "verbose")->b);
        EXPECT_STR("ab", value_of(alpha, "prefix")->s);
        EXPECT_INT(1, value_of(alpha, "style")->choice);
        EXPECT_INT(3, value_of(alpha, "paths")->n_items);
        EXPECT_STR("auto", value_of(alpha, "attach")->s);

        EXPECT_INT(3, value_of(copy, "depth")->i);
        EXPECT_INT(false, value_of(copy, "verbose")->b);
        EXPECT(!value_of(copy, "prefix")->set);
        EXPECT_STR("short", value_of(copy, "style")->s);
        EXPECT_INT(2, value_of(copy, "paths")->n_items);
        EXPECT_STR("fentry", value_of(copy, "attach")->s);
        EXPECT_INT(2, value_of(copy, "attach")->choice);
        EXPECT_STR("alpha", value_of(copy, "plugin")->s);

        EXPECT_STR("/tmp/x", value_of(gamma, "output")->s);
        plan_free(&plan);
}

/* Options the core gives every probe instance, with their defaults. */
static void expect_core_probe_options(const struct instance_spec *spec)
{
        EXPECT_INT(true, value_of(spec, "enabled")->b);
        EXPECT(spec_enabled(spec));
        EXPECT(!value_of(spec, "plugin")->set);
        EXPECT_INT(0, value_of(spec, "pid")->i);
        EXPECT_INT(-1, value_of(spec, "uid")->i);
        EXPECT_STR("", value_of(spec, "comm")->s);
        EXPECT_INT(262144, value_of(spec, "ring_size")->i);
        EXPECT_STR("batched", value_of(spec, "wakeup")->s);
        EXPECT_INT(0, value_of(spec, "wakeup")->choice);
}

static void test_all_probes_and_core_options(void)
{
        const struct instance_spec *alpha, *beta, *gamma;
        const struct option_value *attach;
        struct plan plan;
        char err[512];
        int attach_index;

        EXPECT_INT(0, build("", true, &plan, err, sizeof(err)));
        EXPECT_INT(2, plan.n_specs); /* probes only: sinks are not added */
        alpha = find_spec(&plan, "alpha");
        beta = find_spec(&plan, "beta");
        if (!EXPECT(alpha && beta)) {
                plan_free(&plan);
                return;
        }
        EXPECT_INT(0, alpha->line);
        expect_core_probe_options(alpha);
        expect_core_probe_options(beta);
        EXPECT_INT(8, value_of(alpha, "depth")->i);

        /* `attach` only where the plugin has attach modes: auto, then the modes */
        EXPECT_INT(-1, option_set_find(&beta->opts, "attach"));
        attach_index = option_set_find(&alpha->opts, "attach");
        if (EXPECT(attach_index >= 0)) {
                const struct pk_option *decl = alpha->opts.decls[attach_index];

                attach = &alpha->opts.values[attach_index];
                EXPECT_INT(PK_OPT_ENUM, decl->type);
                EXPECT_STR("auto", decl->choices[0]);
                EXPECT_STR("kprobe", decl->choices[1]);
                EXPECT_STR("fentry", decl->choices[2]);
                EXPECT_STR(NULL, decl->choices[3]);
                EXPECT_STR("auto", attach->s);
        }
        plan_free(&plan);

        /* a configured section keeps its plugin from getting a second, default instance */
        EXPECT_INT(0, build(two_alphas, true, &plan, err, sizeof(err)));
        EXPECT_INT(4, plan.n_specs);
        EXPECT_STR("beta", plan.specs[3].name);
        plan_free(&plan);

        /* a sink instance has the sink's core options only */
        EXPECT_INT(0, build("[gamma]\n", false, &plan, err, sizeof(err)));
        gamma = plan.n_specs ? &plan.specs[0] : NULL;
        if (EXPECT(gamma != NULL)) {
                EXPECT(spec_enabled(gamma));
                EXPECT(option_set_find(&gamma->opts, "plugin") >= 0);
                EXPECT_INT(-1, option_set_find(&gamma->opts, "pid"));
                EXPECT_INT(-1, option_set_find(&gamma->opts, "attach"));
        }
        plan_free(&plan);
}

/* plan_build on `text` fails with `rc` and exactly `want`, leaving an empty plan. */
static void expect_refused(const char *text, int rc, const char *want)
{
        struct plan plan;
        char err[1024];

        EXPECT_INT(rc, build(text, false, &plan, err, sizeof(err)));
        EXPECT_STR(want, err);
        EXPECT_INT(0, plan.n_specs);
        plan_free(&plan);
}

static void test_refusals(void)
{
        expect_refused("[beta]\n[alpha]\ndepth = 2\nx = 1\n", -EINVAL,
                       "x.ini:4: unknown option 'x' in [alpha] "
                       "(`probekit info alpha` lists its options)");
        expect_refused("[alpha]\n\ndepth = 101\n", -EINVAL,
                       "x.ini:3: depth: 101 is out of range [1, 100]");
        expect_refused("[alpha]\ndepth = deep\n", -EINVAL,
                       "x.ini:2: depth: 'deep' is not an integer");
        expect_refused("[alpha]\nverbose = maybe\n", -EINVAL,
                       "x.ini:2: verbose: 'maybe' is not a bool (true/false, yes/no, on/off, 1/0)");
        expect_refused("[alpha]\nprefix = 123456789\n", -EINVAL,
                       "x.ini:2: prefix: '123456789' is longer than 8 bytes");
        expect_refused("[alpha]\nstyle = wide\n", -EINVAL,
                       "x.ini:2: style: 'wide' is not one of short|long");
        expect_refused("[alpha]\npaths = a,,b\n", -EINVAL,
                       "x.ini:2: paths: empty item in list 'a,,b'");
        expect_refused("[alpha]\nattach = uprobe\n", -EINVAL,
                       "x.ini:2: attach: 'uprobe' is not one of auto|kprobe|fentry");
        expect_refused("[beta]\nattach = auto\n", -EINVAL,
                       "x.ini:2: unknown option 'attach' in [beta] "
                       "(`probekit info beta` lists its options)");
        expect_refused("[alpha]\nring_size = 1K\n", -EINVAL,
                       "x.ini:2: ring_size: 1024 is out of range [4096, 1073741824]");
        expect_refused("[alpha]\ncomm = sixteen_bytes_xx\n", -EINVAL,
                       "x.ini:2: comm: 'sixteen_bytes_xx' is longer than 15 bytes");
        expect_refused("[gamma]\npid = 1\n", -EINVAL,
                       "x.ini:2: unknown option 'pid' in [gamma] "
                       "(`probekit info gamma` lists its options)");
        expect_refused("[alpha]\n[delta]\n", -ENOENT,
                       "x.ini:2: [delta]: no plugin named 'delta' was found "
                       "(found: alpha, beta, gamma)");
        expect_refused("[mine]\ndepth = 1\nplugin = nothing\n", -ENOENT,
                       "x.ini:3: [mine]: no plugin named 'nothing' was found "
                       "(found: alpha, beta, gamma)");
}

static void test_select(void)
{
        char *wanted[] = {"alpha", "beta"};
        char *unknown[] = {"zeta"};
        char *sink[] = {"gamma"};
        struct plan plan;
        char err[512];

        EXPECT_INT(0, build("[alpha]\nenabled = false\n[copy]\nplugin = alpha\n[gamma]\n", false,
                            &plan, err, sizeof(err)));
        EXPECT_INT(0, plan_select(&plan, &plugins, wanted, 2, err, sizeof(err)));
        /* the configured alpha, forced on; the sink kept; beta added with its defaults */
        if (EXPECT_INT(3, plan.n_specs)) {
                EXPECT_STR("alpha", plan.specs[0].name);
                EXPECT(spec_enabled(&plan.specs[0]));
                EXPECT_STR("gamma", plan.specs[1].name);
                EXPECT_STR("beta", plan.specs[2].name);
                EXPECT_INT(0, plan.specs[2].line);
                expect_core_probe_options(&plan.specs[2]);
        }
        plan_free(&plan);

        EXPECT_INT(0, build("[alpha]\n", false, &plan, err, sizeof(err)));
        EXPECT_INT(-ENOENT, plan_select(&plan, &plugins, unknown, 1, err, sizeof(err)));
        EXPECT_HAS(err, "--probes: 'zeta' is neither a configured probe nor a probe plugin");
        /* a sink plugin is no probe to add */
        EXPECT_INT(-ENOENT, plan_select(&plan, &plugins, sink, 1, err, sizeof(err)));
        EXPECT_HAS(err, "'gamma' is neither");
        plan_free(&plan);
}

int main(void)
{
        if (add_sample_plugins()) {
                test_globals();
                test_sections_and_plugin_key();
                test_all_probes_and_core_options();
                test_refusals();
                test_select();
        }
        plugin_set_free(&plugins);
        return unit_finish();
}
