/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE

#include "nats_subject.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const placeholders[] = {"{host}", "{probe}", "{event}"};

static int placeholder_at(const char *p)
{
        for (int i = 0; i < 3; i++)
                if (strncmp(p, placeholders[i], strlen(placeholders[i])) == 0)
                        return i;
        return -1;
}

int nats_subject_check(const char *template, char *why, size_t why_size)
{
        size_t token_len = 0;

        for (const char *p = template; *p; p++) {
                if (*p == '{') {
                        int which = placeholder_at(p);

                        if (which < 0) {
                                snprintf(why, why_size,
                                         "'%s': unknown placeholder at '%s' (use {host}, "
                                         "{probe}, {event})",
                                         template, p);
                                return -EINVAL;
                        }
                        p += strlen(placeholders[which]) - 1;
                        token_len++;
                } else if (*p == '.') {
                        if (token_len == 0)
                                break;
                        token_len = 0;
                } else if (*p == ' ' || *p == '\t' || *p == '*' || *p == '>') {
                        snprintf(why, why_size, "'%s': a published subject has no '%c'", template,
                                 *p);
                        return -EINVAL;
                } else {
                        token_len++;
                }
        }
        if (token_len == 0) {
                snprintf(why, why_size, "'%s': empty subject token", template);
                return -EINVAL;
        }
        return 0;
}

static void put_token(struct msgbuf *b, const char *s)
{
        if (!s || !*s) {
                msgbuf_putc(b, '_');
                return;
        }
        for (; *s; s++)
                msgbuf_putc(
                    b, *s == '.' || *s == '*' || *s == '>' || (unsigned char)*s <= ' ' ? '_' : *s);
}

void nats_subject_make(struct msgbuf *b, const char *template, const char *host, const char *probe,
                       const char *event)
{
        const char *values[3] = {host, probe, event};

        for (const char *p = template; *p; p++) {
                int which = *p == '{' ? placeholder_at(p) : -1;

                if (which < 0) {
                        msgbuf_putc(b, *p);
                        continue;
                }
                put_token(b, values[which]);
                p += strlen(placeholders[which]) - 1;
        }
        msgbuf_putc(b, '\0');
}
