// SPDX-License-Identifier: MIT
#include "describe.h"

#include <string.h>

#include "options.h"
#include "plan.h"

const char *field_type_name(enum pk_field_type type)
{
        switch (type) {
        case PK_FIELD_U8:
                return "u8";
        case PK_FIELD_U16:
                return "u16";
        case PK_FIELD_U32:
                return "u32";
        case PK_FIELD_U64:
                return "u64";
        case PK_FIELD_S32:
                return "s32";
        case PK_FIELD_S64:
                return "s64";
        case PK_FIELD_BOOL:
                return "bool";
        case PK_FIELD_STR:
                return "string";
        case PK_FIELD_U64_ARRAY:
                return "u64[]";
        case PK_FIELD_STR_ARRAY:
                return "string[]";
        case PK_FIELD_IPV4:
                return "ipv4";
        case PK_FIELD_IPV6:
                return "ipv6";
        case PK_FIELD_S8:
                return "s8";
        case PK_FIELD_S16:
                return "s16";
        }
        return "?";
}

/*
 * The options the core adds to every probe, `attach` among them when the
 * plugin has attach modes: "a, b and c", each name between `quote`s.
 */
static void print_common_options(const struct pk_plugin *d, const char *quote, FILE *out)
{
        size_t n;
        const struct pk_option *core = core_probe_options(&n);
        size_t total = n + (d->n_attach_modes ? 1 : 0);

        for (size_t i = 0; i < total; i++) {
                const char *key = i < n ? core[i].key : "attach";

                fprintf(out, "%s%s%s%s",
                        i == 0           ? ""
                        : i + 1 == total ? " and "
                                         : ", ",
                        quote, key, quote);
        }
}

static bool field_has_name_key(const struct pk_field *f)
{
        return f->names || (f->flags & (PK_FIELD_ERRNO | PK_FIELD_SIGNAL | PK_FIELD_SYSCALL));
}

/* The type column: "s64", and where the sinks add the value's name, under which key. */
static void print_field_type(const struct pk_field *f, FILE *out)
{
        fputs(field_type_name(f->type), out);
        if (field_has_name_key(f))
                fprintf(out, ", named (`%s_name`)", f->name);
}

/* "enum (a|b|c)", with the bar escaped for Markdown tables. */
static void print_option_type(const struct pk_option *o, bool markdown, FILE *out)
{
        fputs(option_type_name(o->type), out);
        if (o->type == PK_OPT_INT && (o->min || o->max))
                fprintf(out, " [%lld, %lld]", (long long)o->min, (long long)o->max);
        if (o->type != PK_OPT_ENUM)
                return;
        fputs(" (", out);
        for (size_t i = 0; o->choices[i]; i++)
                fprintf(out, "%s%s", i ? (markdown ? "\\|" : "|") : "", o->choices[i]);
        fputs(")", out);
}

/* A Markdown table of declared options: key, type, default, help. */
static void print_option_table(const struct pk_option *opts, size_t n, FILE *out)
{
        fputs("| option | type | default | description |\n| --- | --- | --- | --- |\n", out);
        for (size_t i = 0; i < n; i++) {
                const struct pk_option *o = &opts[i];

                fprintf(out, "| `%s` | ", o->key);
                print_option_type(o, true, out);
                if (o->default_value && *o->default_value)
                        fprintf(out, " | `%s` | %s |\n", o->default_value, o->help);
                else
                        fprintf(out, " | | %s |\n", o->help);
        }
        fputs("\n", out);
}

static void print_options_markdown(const struct pk_plugin *d, FILE *out)
{
        fputs("### Options\n\n", out);
        if (!d->n_options)
                fputs("This plugin has no options of its own.\n\n", out);
        else
                print_option_table(d->options, d->n_options, out);
        if (d->kind == PK_KIND_PROBE) {
                fputs("Every probe also takes the common options ", out);
                print_common_options(d, "`", out);
                fputs(" (docs/configuration.md).\n", out);
        }
        if (d->n_attach_modes) {
                fputs("Attach modes, in order of preference (option `attach`, default `auto`):",
                      out);
                for (uint32_t i = 0; i < d->n_attach_modes; i++)
                        fprintf(out, "%s `%s`", i ? "," : "", d->attach_modes[i].name);
                fputs(".\n", out);
        }
}

static void print_events_markdown(const struct pk_plugin *d, FILE *out)
{
        fputs("\n### Events\n\n"
              "Every event also carries `ts`, `probe`, `event`, `pid`, `tid`, `uid`, `auid`, "
              "`session`, `comm` and `cgroup` (null when the event has no such value)",
              out);
        fputs(d->n_attach_modes ? ", and `mode`, the attach mode in use.\n" : ".\n", out);
        for (uint32_t e = 0; e < d->n_events; e++) {
                const struct pk_event_type *t = &d->events[e];

                fprintf(out, "\n#### `%s`\n\n", t->name);
                if (t->help)
                        fprintf(out, "%s\n\n", t->help);
                fputs("| field | type | description |\n| --- | --- | --- |\n", out);
                for (uint32_t f = 0; f < t->n_fields; f++) {
                        fprintf(out, "| `%s` | ", t->fields[f].name);
                        print_field_type(&t->fields[f], out);
                        fprintf(out, " | %s |\n", t->fields[f].help ? t->fields[f].help : "");
                }
        }
}

static void print_plain(const struct plugin_handle *plugin, FILE *out)
{
        const struct pk_plugin *d = &plugin->desc;

        fprintf(out, "%s %s: %s\n", d->name, d->version, d->description);
        fprintf(out, "kind: %s\nfile: %s\n", d->kind == PK_KIND_PROBE ? "probe" : "sink",
                plugin->path);
        if (d->n_attach_modes) {
                fputs("attach modes:", out);
                for (uint32_t i = 0; i < d->n_attach_modes; i++)
                        fprintf(out, " %s", d->attach_modes[i].name);
                fputs("\n", out);
        }
        fputs("\noptions:\n", out);
        for (uint32_t i = 0; i < d->n_options; i++) {
                const struct pk_option *o = &d->options[i];

                fprintf(out, "  %-16s ", o->key);
                print_option_type(o, false, out);
                if (o->default_value)
                        fprintf(out, ", default '%s'", o->default_value);
                fprintf(out, "\n      %s\n", o->help);
        }
        if (d->kind == PK_KIND_PROBE) {
                fputs("  (and the common options: ", out);
                print_common_options(d, "", out);
                fputs(")\n", out);
        }
        for (uint32_t e = 0; e < d->n_events; e++) {
                const struct pk_event_type *t = &d->events[e];

                fprintf(out, "\nevent %s: %s\n", t->name, t->help ? t->help : "");
                for (uint32_t f = 0; f < t->n_fields; f++) {
                        fprintf(out, "  %-16s %-7s", t->fields[f].name,
                                field_type_name(t->fields[f].type));
                        if (field_has_name_key(&t->fields[f]))
                                fprintf(out, " (named: %s_name)", t->fields[f].name);
                        fprintf(out, " %s\n", t->fields[f].help ? t->fields[f].help : "");
                }
        }
}

void describe_plugin(const struct plugin_handle *plugin, bool markdown, FILE *out)
{
        if (!markdown) {
                print_plain(plugin, out);
                return;
        }
        print_options_markdown(&plugin->desc, out);
        if (plugin->desc.kind == PK_KIND_PROBE)
                print_events_markdown(&plugin->desc, out);
}

void describe_core_options(FILE *out)
{
        const struct pk_option *opts;
        size_t n;

        fputs("### `[probekit]`\n\n", out);
        opts = global_options(&n);
        print_option_table(opts, n, out);
        fputs("### Options of every probe instance\n\n", out);
        opts = core_probe_options(&n);
        print_option_table(opts, n, out);
        fputs("Plugins with attach modes also take `attach` (`auto` or one of their modes, "
              "in order of preference).\n\n",
              out);
        fputs("### Options of every sink instance\n\n", out);
        opts = core_sink_options(&n);
        print_option_table(opts, n, out);
}
