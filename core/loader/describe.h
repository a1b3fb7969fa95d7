/* SPDX-License-Identifier: MIT */
/*
 * A plugin's declarations as text, for `probekit info` (plain or Markdown);
 * the option and field tables in the plugin READMEs are this output.
 */
#ifndef PK_CORE_DESCRIBE_H
#define PK_CORE_DESCRIBE_H

#include <stdbool.h>
#include <stdio.h>

#include "loader.h"

void describe_plugin(const struct plugin_handle *plugin, bool markdown, FILE *out);
const char *field_type_name(enum pk_field_type type);
/* The options the core declares: [probekit], every probe's, every sink's (Markdown). */
void describe_core_options(FILE *out);

#endif
