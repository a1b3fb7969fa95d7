/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L

#include "fake_host.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_OPTIONS PK_COUNT(((struct fake_sink *)0)->options)

/* The instance handle is a fake_sink's options table; the host never looks inside it otherwise. */
static const char *find_option(struct pk_instance *inst, const char *key)
{
        const struct fake_option *options = (const struct fake_option *)(const void *)inst;

        for (size_t i = 0; i < MAX_OPTIONS && options[i].key; i++)
                if (strcmp(options[i].key, key) == 0)
                        return options[i].value;
        return NULL;
}

static void fake_log(struct pk_instance *inst, enum pk_log_level level, const char *fmt, ...)
{
        va_list ap;

        (void)inst;
        fprintf(stderr, "[sink log %d] ", (int)level);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

static const char *fake_instance_name(struct pk_instance *inst)
{
        (void)inst;
        return "test_sink";
}

static bool fake_opt_is_set(struct pk_instance *inst, const char *key)
{
        return find_option(inst, key) != NULL;
}

static bool fake_opt_bool(struct pk_instance *inst, const char *key)
{
        const char *value = find_option(inst, key);

        return value && (strcmp(value, "true") == 0 || strcmp(value, "1") == 0);
}

static int64_t fake_opt_int(struct pk_instance *inst, const char *key)
{
        const char *value = find_option(inst, key);

        return value ? strtoll(value, NULL, 10) : 0;
}

static const char *fake_opt_string(struct pk_instance *inst, const char *key)
{
        return find_option(inst, key);
}

static const struct pk_host fake_host = {
    .struct_size = sizeof(struct pk_host),
    .abi_major = PK_ABI_MAJOR,
    .abi_minor = PK_ABI_MINOR,
    .log = fake_log,
    .instance_name = fake_instance_name,
    .opt_is_set = fake_opt_is_set,
    .opt_bool = fake_opt_bool,
    .opt_int = fake_opt_int,
    .opt_string = fake_opt_string,
};

char *fake_temp_path(void)
{
        static const char name[] = "/probekit-sink-test-XXXXXX";
        const char *dir = getenv("TMPDIR");
        char *path;
        int fd;

        if (!dir || !dir[0])
                dir = "/tmp";
        path = malloc(strlen(dir) + sizeof(name));
        if (!path)
                return NULL;
        strcpy(path, dir);
        strcat(path, name);
        fd = mkstemp(path);
        if (fd < 0) {
                free(path);
                return NULL;
        }
        close(fd);
        return path;
}

int fake_read_file(const char *path, struct fake_output *out)
{
        FILE *file = fopen(path, "rb");
        size_t cap = 4096;
        int err = 0;

        *out = (struct fake_output){0};
        if (!file)
                return -errno;
        out->data = malloc(cap + 1);
        if (!out->data) {
                err = -ENOMEM;
                goto cleanup;
        }
        for (;;) {
                size_t got = fread(out->data + out->len, 1, cap - out->len, file);

                out->len += got;
                if (out->len < cap)
                        break;
                char *bigger = realloc(out->data, cap * 2 + 1);

                if (!bigger) {
                        err = -ENOMEM;
                        goto cleanup;
                }
                out->data = bigger;
                cap *= 2;
        }
        if (ferror(file))
                err = -EIO;
        out->data[out->len] = '\0';
cleanup:
        fclose(file);
        if (err) {
                free(out->data);
                *out = (struct fake_output){0};
        }
        return err;
}

int fake_sink_open(const struct pk_plugin *plugin, const struct fake_option *options,
                   const char *path, struct fake_sink *sink)
{
        struct pk_instance *handle = (struct pk_instance *)(void *)sink->options;
        size_t n = 0;
        int err;

        *sink = (struct fake_sink){.plugin = plugin};
        while (options && options[n].key && n < MAX_OPTIONS - 1) {
                sink->options[n] = options[n];
                n++;
        }
        sink->options[n] = (struct fake_option){"output", path};
        err = plugin->sink->open(&fake_host, handle, &sink->state);
        if (err)
                sink->state = NULL;
        return err;
}

int fake_sink_close(struct fake_sink *sink)
{
        int err = sink->plugin->sink->flush(sink->state);

        sink->plugin->sink->close(sink->state);
        sink->state = NULL;
        return err;
}

int fake_sink_run(const struct pk_plugin *plugin, const struct fake_option *options,
                  const char *path, const struct pk_record *records, size_t n_records,
                  struct fake_output *out)
{
        struct fake_sink sink;
        int err;

        *out = (struct fake_output){0};
        err = fake_sink_open(plugin, options, path, &sink);
        if (err)
                return err;
        for (size_t i = 0; i < n_records && !err; i++)
                err = plugin->sink->write(sink.state, &records[i]);
        if (err)
                plugin->sink->close(sink.state);
        else
                err = fake_sink_close(&sink);
        if (err)
                return err;
        return fake_read_file(path, out);
}
