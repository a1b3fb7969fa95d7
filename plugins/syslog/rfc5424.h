/* SPDX-License-Identifier: MIT */
/*
 * One record as an RFC 5424 syslog message:
 *
 *   <PRI>1 TIMESTAMP HOSTNAME probekit PROCID MSGID STRUCTURED-DATA [MSG]
 *
 * TIMESTAMP is the event's time in UTC with microseconds, PROCID the traced
 * process (or "-"), MSGID "<probe>.<event>". The event goes in MSG as JSON
 * (STRUCTURED-DATA "-"), or as one SD-ELEMENT with a parameter per field.
 */
#ifndef SYSLOG_RFC5424_H
#define SYSLOG_RFC5424_H

#include <stdbool.h>

#include <probekit/plugin.h>

#include "msgbuf.h"

struct rfc5424_style {
        const char *hostname; /* already valid: 1-255 printable ASCII */
        const char *sd_id;    /* "probekit@32473" */
        bool structured;      /* the event as STRUCTURED-DATA, not JSON in MSG */
};

/* Appends the message (no framing, no newline). */
void rfc5424_format(struct msgbuf *b, const struct rfc5424_style *style, int pri,
                    const struct pk_record *rec);

/* Copies s into out (size bytes) as 1..max printable ASCII, others as '_'. */
void rfc5424_printusascii(char *out, size_t size, const char *s, size_t max);

#endif /* SYSLOG_RFC5424_H */
