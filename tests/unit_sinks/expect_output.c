/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L

#include "expect_output.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

void expect_sink_output(const struct pk_plugin *plugin, const struct fake_option *options,
                        const struct pk_record *records, size_t n_records, const char *expected,
                        const char *file, int line)
{
        char *path = fake_temp_path();
        struct fake_output out;
        int err;

        if (!check_true(path != NULL, "temporary file", file, line))
                return;
        err = fake_sink_run(plugin, options, path, records, n_records, &out);
        check_int_eq(0, err, "fake_sink_run", file, line);
        if (!err)
                check_bytes_eq(expected, strlen(expected), out.data, out.len, file, line);
        free(out.data);
        unlink(path);
        free(path);
}
