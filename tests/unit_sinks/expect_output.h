/* SPDX-License-Identifier: MIT */
#ifndef PROBEKIT_TESTS_EXPECT_OUTPUT_H
#define PROBEKIT_TESTS_EXPECT_OUTPUT_H

#include <stddef.h>

#include "fake_host.h"

/* What the json sink writes for the header of a record without one (hdr NULL). */
#define JSON_NO_HEADER                                                                             \
        "\"pid\":null,\"tid\":null,\"uid\":null,\"auid\":null,\"session\":null,\"comm\":null,"     \
        "\"cgroup\":null"
/* present = PK_HDR_TASK | PK_HDR_CGROUP: no login */
#define JSON_NO_LOGIN "\"auid\":null,\"session\":null"

/*
 * Runs plugin's sink over the records (with options, see fake_sink_run())
 * into a temporary file and checks that the file holds exactly `expected`;
 * a failure is reported at file:line.
 */
void expect_sink_output(const struct pk_plugin *plugin, const struct fake_option *options,
                        const struct pk_record *records, size_t n_records, const char *expected,
                        const char *file, int line);

#endif /* PROBEKIT_TESTS_EXPECT_OUTPUT_H */
