/* SPDX-License-Identifier: MIT */
/*
 * Building and parsing block payloads: little-endian integers and
 * length-prefixed strings (u32 length, then the bytes, no NUL).
 */
#ifndef PK_CORE_CAPTURE_PAYLOAD_H
#define PK_CORE_CAPTURE_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growing payload; `error` is -ENOMEM once an append failed. */
struct payload {
        unsigned char *data;
        size_t len;
        size_t cap;
        int error;
};

void payload_put(struct payload *p, const void *data, size_t n);
void payload_u16(struct payload *p, uint16_t v);
void payload_u32(struct payload *p, uint32_t v);
void payload_u64(struct payload *p, uint64_t v);
/* NULL is written as the empty string. */
void payload_str(struct payload *p, const char *s);
void payload_bytes(struct payload *p, const void *data, uint32_t n);
void payload_free(struct payload *p);

/* Reading one payload: every get fails (returns false, sets `bad`) past the end. */
struct cursor {
        const unsigned char *p;
        size_t left;
        bool bad;
};

bool cursor_u16(struct cursor *c, uint16_t *v);
bool cursor_u32(struct cursor *c, uint32_t *v);
bool cursor_u64(struct cursor *c, uint64_t *v);
/* A string or byte run: *data points into the payload; not NUL-terminated. */
bool cursor_bytes(struct cursor *c, const char **data, uint32_t *len);
/* A string copied into a new NUL-terminated allocation; NUL bytes inside are refused. */
bool cursor_strdup(struct cursor *c, char **out);
bool cursor_skip(struct cursor *c, size_t n);

#endif
