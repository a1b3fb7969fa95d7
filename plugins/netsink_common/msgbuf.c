/* SPDX-License-Identifier: MIT */
#include "msgbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void msgbuf_reset(struct msgbuf *b)
{
        b->len = 0;
        b->failed = false;
}

void msgbuf_free(struct msgbuf *b)
{
        free(b->data);
        *b = (struct msgbuf){0};
}

char *msgbuf_room(struct msgbuf *b, size_t more)
{
        if (b->failed)
                return NULL;
        if (b->cap - b->len < more) {
                size_t cap = b->cap ? b->cap : 512;
                char *data;

                while (cap - b->len < more)
                        cap *= 2;
                data = realloc(b->data, cap);
                if (!data) {
                        b->failed = true;
                        return NULL;
                }
                b->data = data;
                b->cap = cap;
        }
        return b->data + b->len;
}

void msgbuf_append(struct msgbuf *b, const void *data, size_t len)
{
        char *p = msgbuf_room(b, len);

        if (!p)
                return;
        memcpy(p, data, len);
        b->len += len;
}

void msgbuf_puts(struct msgbuf *b, const char *s)
{
        msgbuf_append(b, s, strlen(s));
}

void msgbuf_putc(struct msgbuf *b, char c)
{
        msgbuf_append(b, &c, 1);
}

void msgbuf_printf(struct msgbuf *b, const char *fmt, ...)
{
        va_list ap;
        char *p;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0 || !(p = msgbuf_room(b, (size_t)n + 1))) {
                b->failed = true;
                return;
        }
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
}
