/* SPDX-License-Identifier: MIT */
/*
 * Names and text forms of field values the sinks share: errno, signal and
 * syscall names, a plugin's enum and flag names (struct pk_names), IP
 * addresses, and the strings of a string array.
 */
#ifndef PROBEKIT_SINKS_VALUE_NAMES_H
#define PROBEKIT_SINKS_VALUE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <probekit/plugin.h>

/* The most value_name() writes into its buffer, NUL included. */
#define VALUE_NAME_MAX 512

/* Whether the sinks show a name next to this field's number. */
static inline bool field_has_names(const struct pk_field *field)
{
        return field->names ||
               (field->flags & (PK_FIELD_ERRNO | PK_FIELD_SIGNAL | PK_FIELD_SYSCALL));
}

/*
 * The name of a named field's value ("ENOENT", "SIGKILL", "openat",
 * "O_WRONLY|O_CREAT|0x80000"), NULL when the value has none. The result is
 * a constant or `buf` (VALUE_NAME_MAX bytes); it comes from the plugin, so
 * it must still be escaped.
 */
const char *value_name(const struct pk_field *field, const union pk_value *value,
                       char buf[VALUE_NAME_MAX]);

/* "SIGKILL" for a signal number of this machine; NULL for others. */
const char *signal_name(int64_t sig);

/* The name of syscall `nr` of this machine (x86-64 table); NULL for others. */
const char *syscall_name(uint64_t nr);

/* An IPv4/IPv6 value as text (a v4-mapped IPv6 address as IPv4). */
#define ADDRESS_TEXT_MAX 46 /* INET6_ADDRSTRLEN */
size_t format_address(char dst[ADDRESS_TEXT_MAX], enum pk_field_type type,
                      const union pk_value *value);

/*
 * Walks the strings of a STR_ARRAY value: each ends at a NUL, the last one
 * possibly at the end of the value. Returns false after the last.
 */
struct str_array_iter {
        const char *at, *end;
};

static inline struct str_array_iter str_array_begin(const union pk_value *value)
{
        const char *p = value->str.ptr;

        return (struct str_array_iter){p, p ? p + value->str.len : p};
}

bool str_array_next(struct str_array_iter *it, const char **s, size_t *len);

#endif /* PROBEKIT_SINKS_VALUE_NAMES_H */
