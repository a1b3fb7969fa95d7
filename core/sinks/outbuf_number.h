/* SPDX-License-Identifier: MIT */
/* Numbers straight into an outbuf, without a temporary string. */
#ifndef PROBEKIT_SINKS_OUTBUF_NUMBER_H
#define PROBEKIT_SINKS_OUTBUF_NUMBER_H

#include <stdint.h>

#include "format_number.h"
#include "outbuf.h"

static inline void outbuf_u64(struct outbuf *ob, uint64_t value)
{
        outbuf_commit(ob, format_u64(outbuf_reserve(ob, FORMAT_NUMBER_MAX), value));
}

static inline void outbuf_s64(struct outbuf *ob, int64_t value)
{
        outbuf_commit(ob, format_s64(outbuf_reserve(ob, FORMAT_NUMBER_MAX), value));
}

static inline void outbuf_hex(struct outbuf *ob, uint64_t value)
{
        outbuf_commit(ob, format_hex(outbuf_reserve(ob, FORMAT_NUMBER_MAX), value));
}

#endif /* PROBEKIT_SINKS_OUTBUF_NUMBER_H */
