/* SPDX-License-Identifier: MIT */
/* The SCHEMA block of one running probe instance, and the value encoding of RECORD blocks. */
#ifndef PK_CORE_CAPTURE_SCHEMA_WRITE_H
#define PK_CORE_CAPTURE_SCHEMA_WRITE_H

#include <stdint.h>

#include "instance.h"
#include "payload.h"

/* Describe `inst` (its plugin's resolved event tables, options, mode) as instance `id`. */
void schema_write(struct payload *p, uint32_t id, const struct pk_instance *inst);

/*
 * How a value of `type` is stored in a RECORD block: always a u32 byte
 * length, then the bytes, so a reader skips types it does not know.
 */
enum value_encoding {
        VALUE_SCALAR = 0, /* 8 bytes: u64, or the s64's bits for signed types */
        VALUE_BYTES,      /* the bytes (STR, STR_ARRAY, IPV4, IPV6) */
        VALUE_U64_ARRAY,  /* 8 bytes per element */
};

enum value_encoding value_encoding_of(enum pk_field_type type);

/* One value of a RECORD block. */
void record_value_write(struct payload *p, enum pk_field_type type, const union pk_value *v);

#endif
