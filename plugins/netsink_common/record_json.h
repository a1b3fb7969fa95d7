/* SPDX-License-Identifier: MIT */
/*
 * Records as JSON for the network sinks, with the keys of probekit's json
 * sink (docs in core/sinks/README.md): ts, probe, event, mode (only when the
 * probe has attach modes), pid, tid, uid, auid, session, comm, cgroup (null
 * when the record lacks them), then the event's fields; a named value is
 * followed by `<field>_name`. Written with the public SDK only: this code
 * does not link against probekit's core.
 */
#ifndef NETSINK_RECORD_JSON_H
#define NETSINK_RECORD_JSON_H

#include <stddef.h>

#include <probekit/plugin.h>

#include "msgbuf.h"

/* Appends the record as one JSON object (no newline). */
void record_json(struct msgbuf *b, const struct pk_record *rec);

/* Appends s[0..len) (cut at a NUL) as a JSON string, quotes included. */
void json_put_string(struct msgbuf *b, const char *s, size_t len);

/*
 * Appends the field's value as text without quotes: numbers in decimal,
 * strings as they are but for control characters (as `?`) and bytes that
 * are not well-formed UTF-8 (as U+FFFD), arrays and addresses as JSON.
 */
void value_text(struct msgbuf *b, const struct pk_field *field, const union pk_value *value);

/* Whether the field has a name for its value, and that name (NULL: none). */
int field_has_names(const struct pk_field *field);
const char *value_name(const struct pk_field *field, const union pk_value *value, char *buf,
                       size_t size);

/* Whether field i of the record is marked absent. */
static inline int record_field_absent(const struct pk_record *rec, uint32_t i)
{
        return i < 64 && ((rec->absent >> i) & 1);
}

#endif /* NETSINK_RECORD_JSON_H */
