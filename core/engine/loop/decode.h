/* SPDX-License-Identifier: MIT */
/* One ring buffer sample to one record, checked against its declaration. */
#ifndef PK_CORE_DECODE_H
#define PK_CORE_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "instance.h"

/*
 * Fill `rec` from `sample` for `inst`. The sample's size is checked against
 * its event type before anything past the header is read. Returns 0, or
 * -EINVAL for a sample to count as malformed and skip. Allocates nothing:
 * values go to inst->values.
 */
int decode_sample(struct pk_instance *inst, const void *sample, size_t size, struct pk_record *rec);

/*
 * Decode the declared fields of `type` (no custom decoder): integers turned
 * to host order (PK_FIELD_NET_ORDER) and widened, strings and addresses
 * pointing into the sample; bits of `absent` set for PK_FIELD_ZERO_ABSENT
 * fields that are 0.
 */
int decode_declared_fields(const struct pk_event_type *type, const void *sample, size_t size,
                           union pk_value *values, uint64_t *absent);

/* Set the `absent` bit of every PK_FIELD_ZERO_ABSENT field whose value is zero or empty. */
void decode_mark_zero_absent(const struct pk_event_type *type, const union pk_value *values,
                             uint64_t *absent);

/* Whether a decoded value is 0, empty, or an all-zero address. */
bool decode_value_is_zero(enum pk_field_type type, const union pk_value *value);

/* Bytes of a fixed-size field type (addresses too); 0 for strings and arrays. */
uint32_t decode_field_width(enum pk_field_type type);

/* S8, S16, S32, S64: the value is .s64. */
bool decode_type_is_signed(enum pk_field_type type);

#endif
