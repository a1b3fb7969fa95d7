/* SPDX-License-Identifier: MIT */
#ifndef PROBEKIT_TESTS_EXPECT_OUTPUT_H
#define PROBEKIT_TESTS_EXPECT_OUTPUT_H

#include <stddef.h>

#include "fake_host.h"

/*
 * Runs plugin's sink over the records (with options, see fake_sink_run())
 * into a temporary file and checks that the file holds exactly `expected`;
 * a failure is reported at file:line.
 */
void expect_sink_output(const struct pk_plugin *plugin, const struct fake_option *options,
                        const struct pk_record *records, size_t n_records, const char *expected,
                        const char *file, int line);

#endif /* PROBEKIT_TESTS_EXPECT_OUTPUT_H */
