// SPDX-License-Identifier: MIT
#include "payload.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void payload_put(struct payload *p, const void *data, size_t n)
{
        if (p->error)
                return;
        if (p->cap - p->len < n) {
                size_t cap = p->cap ? p->cap : 256;
                unsigned char *grown;

                while (cap - p->len < n)
                        cap *= 2;
                grown = realloc(p->data, cap);
                if (!grown) {
                        p->error = -ENOMEM;
                        return;
                }
                p->data = grown;
                p->cap = cap;
        }
        memcpy(p->data + p->len, data, n);
        p->len += n;
}

/* The format is little-endian, like every host the writer builds on (capture_format.h). */
void payload_u16(struct payload *p, uint16_t v)
{
        payload_put(p, &v, sizeof(v));
}

void payload_u32(struct payload *p, uint32_t v)
{
        payload_put(p, &v, sizeof(v));
}

void payload_u64(struct payload *p, uint64_t v)
{
        payload_put(p, &v, sizeof(v));
}

void payload_bytes(struct payload *p, const void *data, uint32_t n)
{
        payload_u32(p, n);
        payload_put(p, data, n);
}

void payload_str(struct payload *p, const char *s)
{
        payload_bytes(p, s ? s : "", s ? (uint32_t)strlen(s) : 0);
}

void payload_free(struct payload *p)
{
        free(p->data);
        *p = (struct payload){0};
}

static bool take(struct cursor *c, void *out, size_t n)
{
        if (c->bad || c->left < n) {
                c->bad = true;
                return false;
        }
        if (out)
                memcpy(out, c->p, n);
        c->p += n;
        c->left -= n;
        return true;
}

bool cursor_u16(struct cursor *c, uint16_t *v)
{
        return take(c, v, sizeof(*v));
}

bool cursor_u32(struct cursor *c, uint32_t *v)
{
        return take(c, v, sizeof(*v));
}

bool cursor_u64(struct cursor *c, uint64_t *v)
{
        return take(c, v, sizeof(*v));
}

bool cursor_skip(struct cursor *c, size_t n)
{
        return take(c, NULL, n);
}

bool cursor_bytes(struct cursor *c, const char **data, uint32_t *len)
{
        if (!cursor_u32(c, len))
                return false;
        *data = (const char *)c->p;
        return take(c, NULL, *len);
}

bool cursor_strdup(struct cursor *c, char **out)
{
        const char *data;
        uint32_t len;

        *out = NULL;
        if (!cursor_bytes(c, &data, &len))
                return false;
        if (memchr(data, '\0', len)) {
                c->bad = true;
                return false;
        }
        *out = strndup(data, len);
        if (!*out) {
                c->bad = true;
                return false;
        }
        return true;
}
