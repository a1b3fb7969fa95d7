/* SPDX-License-Identifier: MIT */
/*
 * Writing the Prometheus text exposition format (version 0.0.4): one
 * "# HELP" and one "# TYPE" line per metric family, then its samples with
 * label values escaped as the format requires (backslash, double quote and
 * newline; invalid UTF-8 becomes U+FFFD, since Prometheus rejects it).
 */
#ifndef PK_METRICS_EXPOSITION_H
#define PK_METRICS_EXPOSITION_H

#include <stdint.h>

#include "strbuf.h"

/* Content-Type of a scrape reply in this format. */
#define EXPOSITION_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

enum metric_type { METRIC_COUNTER, METRIC_GAUGE };

/* "# HELP name help" and "# TYPE name counter|gauge". */
void expo_family(struct strbuf *sb, const char *name, enum metric_type type, const char *help);

/*
 * One sample. `labels` alternates names and values and ends with NULL
 * (NULL itself for none); values are escaped here.
 */
void expo_sample_u64(struct strbuf *sb, const char *name, const char *const *labels,
                     uint64_t value);
void expo_sample_double(struct strbuf *sb, const char *name, const char *const *labels,
                        double value);

/* A family of one sample: expo_family() then expo_sample_double(). */
void expo_single(struct strbuf *sb, const char *name, enum metric_type type, const char *help,
                 const char *const *labels, double value);

/* Append `value` escaped as a label value (no quotes); exposed for tests. */
void expo_escape_label(struct strbuf *sb, const char *value);

#endif
