/* SPDX-License-Identifier: MIT */
/*
 * A struct pk_host made in the test: options come from a key=value table
 * the test sets, everything else is a stub. Enough to open a sink the way
 * the core does, write records to a temporary file and read them back.
 */
#ifndef PROBEKIT_TESTS_FAKE_HOST_H
#define PROBEKIT_TESTS_FAKE_HOST_H

#include <stddef.h>

#include <probekit/plugin.h>

struct fake_option {
        const char *key;
        const char *value; /* as written in the INI; NULL: unset */
};

struct fake_output {
        char *data; /* NUL-terminated copy of the file; free() it */
        size_t len;
};

/* An open sink, for a caller that writes its records itself. */
struct fake_sink {
        struct fake_option options[8]; /* the instance handle the sink was opened with */
        const struct pk_plugin *plugin;
        void *state;
};

/* A temporary file's path (caller frees), created empty. */
char *fake_temp_path(void);

/*
 * Opens `plugin`'s sink with `options` (at most 7, ended by a NULL key, may
 * be NULL) plus output=<path>, writes the
 * records, flushes, closes, and reads the file back into *out.
 * Returns 0 or -errno from the first step that failed.
 */
int fake_sink_run(const struct pk_plugin *plugin, const struct fake_option *options,
                  const char *path, const struct pk_record *records, size_t n_records,
                  struct fake_output *out);

/*
 * Opens `plugin`'s sink as fake_sink_run() does; write with
 * sink->plugin->sink->write(sink->state, rec), then fake_sink_close().
 */
int fake_sink_open(const struct pk_plugin *plugin, const struct fake_option *options,
                   const char *path, struct fake_sink *sink);
/* Flushes and closes; 0 or the flush's -errno. */
int fake_sink_close(struct fake_sink *sink);

/* Reads the whole file at path. */
int fake_read_file(const char *path, struct fake_output *out);

#endif /* PROBEKIT_TESTS_FAKE_HOST_H */
