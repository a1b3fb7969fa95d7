/* SPDX-License-Identifier: MIT */
/* A SCHEMA block back into event tables a decoder and the sinks can use. */
#ifndef PK_CORE_CAPTURE_SCHEMA_READ_H
#define PK_CORE_CAPTURE_SCHEMA_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <probekit/plugin.h>

struct capture_option {
        char *key;
        char *value;
};

/* One probe instance as the capture describes it; everything is owned. */
struct capture_schema {
        uint32_t id;
        char *name;
        char *plugin;
        char *version;
        char *mode; /* NULL: the plugin has one way to attach */
        struct capture_option *options;
        uint32_t n_options;
        struct pk_event_type *events; /* fields, help and names tables owned too */
        uint32_t n_events;
        bool *custom_decode; /* per event: the plugin decodes it with its own decode() */
        bool *lossy;         /* per event: fields of types this reader lacks were left out */
        /* per event, when lossy: written field index -> index in fields, or UINT32_MAX */
        uint32_t **kept;
        uint32_t *n_written; /* per event: fields the writer described */
        uint32_t max_fields;
};

/*
 * Parse a SCHEMA payload. Returns 0, or -EINVAL with what is wrong in `why`
 * (the block's checksum was right, so the writer made it so).
 */
int schema_read(struct capture_schema *s, const unsigned char *payload, size_t len, char *why,
                size_t why_len);
void schema_free(struct capture_schema *s);

#endif
