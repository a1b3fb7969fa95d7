/* SPDX-License-Identifier: MIT */
/* One ring buffer sample to one record, checked against its declaration. */
#ifndef PK_CORE_DECODE_H
#define PK_CORE_DECODE_H

#include <stddef.h>

#include "instance.h"

/*
 * Fill `rec` from `sample` for `inst`. The sample's size is checked against
 * its event type before anything past the header is read. Returns 0, or
 * -EINVAL for a sample to count as malformed and skip. Allocates nothing:
 * values go to inst->values.
 */
int decode_sample(struct pk_instance *inst, const void *sample, size_t size, struct pk_record *rec);

/* Decode the declared fields of `type` (no custom decoder). */
int decode_declared_fields(const struct pk_event_type *type, const void *sample, size_t size,
                           union pk_value *values);

/* Bytes of a scalar field type; 0 for strings and arrays, whose size varies. */
uint32_t decode_field_width(enum pk_field_type type);

#endif
