/* SPDX-License-Identifier: MIT */
/*
 * linesink: a sink plugin writing one line per record,
 *
 *   <probe> <event> <field>=<value> ...
 *
 * to the file named by its `path` option. Built out of tree by the SDK test.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <probekit/plugin.h>

struct linesink {
        FILE *out;
};

static const struct pk_option linesink_options[] = {
    {
        .key = "path",
        .type = PK_OPT_STRING,
        .max = 4096,
        .help = "file the lines are written to (truncated at start)",
    },
};

static void linesink_close(void *state)
{
        struct linesink *sink = state;

        if (!sink)
                return;
        if (sink->out)
                fclose(sink->out);
        free(sink);
}

static int linesink_open(const struct pk_host *host, struct pk_instance *inst, void **state)
{
        struct linesink *sink;
        const char *path;
        int err = 0;

        if (!host->opt_is_set(inst, "path")) {
                host->log(inst, PK_LOG_ERROR, "option `path` is required");
                return -EINVAL;
        }
        path = host->opt_string(inst, "path");
        sink = calloc(1, sizeof(*sink));
        if (!sink)
                return -ENOMEM;
        sink->out = fopen(path, "w");
        if (!sink->out) {
                err = -errno;
                host->log(inst, PK_LOG_ERROR, "cannot open %s for writing", path);
                goto cleanup;
        }
        *state = sink;
        return 0;

cleanup:
        linesink_close(sink);
        return err;
}

static void write_value(FILE *out, const struct pk_field *field, const union pk_value *value)
{
        switch (field->type) {
        case PK_FIELD_S32:
        case PK_FIELD_S64:
                fprintf(out, "%" PRId64, value->s64);
                break;
        case PK_FIELD_BOOL:
                fputs(value->u64 ? "true" : "false", out);
                break;
        case PK_FIELD_STR:
                fprintf(out, "%.*s", (int)value->str.len, value->str.ptr);
                break;
        case PK_FIELD_U64_ARRAY:
                for (uint32_t i = 0; i < value->arr.len; i++)
                        fprintf(out, "%s%" PRIu64, i ? "," : "", value->arr.ptr[i]);
                break;
        default:
                fprintf(out, (field->flags & PK_FIELD_HEX) ? "0x%" PRIx64 : "%" PRIu64, value->u64);
                break;
        }
}

static int linesink_write(void *state, const struct pk_record *rec)
{
        struct linesink *sink = state;

        fprintf(sink->out, "%s %s", rec->probe, rec->event);
        for (uint32_t i = 0; i < rec->n_fields; i++) {
                fprintf(sink->out, " %s=", rec->fields[i].name);
                write_value(sink->out, &rec->fields[i], &rec->values[i]);
        }
        if (fputc('\n', sink->out) == EOF)
                return -EIO;
        return 0;
}

static int linesink_flush(void *state)
{
        struct linesink *sink = state;

        return fflush(sink->out) ? -errno : 0;
}

static const struct pk_sink_ops linesink_ops = {
    .open = linesink_open,
    .write = linesink_write,
    .flush = linesink_flush,
    .close = linesink_close,
};

static const struct pk_plugin linesink_plugin = {
    PK_PLUGIN_HEADER(PK_KIND_SINK),
    .name = "linesink",
    .version = "0.1.0",
    .description = "writes one `probe event field=value` line per record to a file",
    .options = linesink_options,
    .n_options = PK_COUNT(linesink_options),
    .sink = &linesink_ops,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &linesink_plugin;
}
