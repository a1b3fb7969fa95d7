/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer. Appending never fails midway: on allocation
 * failure the buffer remembers it (`failed`) and the caller drops the whole
 * message, so a record is never sent in part.
 */
#ifndef NETSINK_MSGBUF_H
#define NETSINK_MSGBUF_H

#include <stdbool.h>
#include <stddef.h>

#include <probekit/plugin.h>

struct msgbuf {
        char *data;
        size_t len;
        size_t cap;
        bool failed;
};

void msgbuf_reset(struct msgbuf *b);
void msgbuf_free(struct msgbuf *b);
/* Makes room for `more` bytes; returns where they go, or NULL (and sets failed). */
char *msgbuf_room(struct msgbuf *b, size_t more);
void msgbuf_append(struct msgbuf *b, const void *data, size_t len);
void msgbuf_puts(struct msgbuf *b, const char *s);
void msgbuf_putc(struct msgbuf *b, char c);
void msgbuf_printf(struct msgbuf *b, const char *fmt, ...) PK_PRINTF(2, 3);

#endif /* NETSINK_MSGBUF_H */
