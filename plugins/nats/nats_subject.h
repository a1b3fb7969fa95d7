/* SPDX-License-Identifier: MIT */
/*
 * Subjects from the `subject` template: `{host}`, `{probe}` and `{event}`
 * are replaced by the machine's name, the instance and the event type, each
 * made a valid subject token (no '.', '*', '>' or white space: '_').
 */
#ifndef NATS_SUBJECT_H
#define NATS_SUBJECT_H

#include <stddef.h>

#include "msgbuf.h"

/* 0, or -EINVAL with why: an unknown {placeholder}, an empty token. */
int nats_subject_check(const char *template, char *why, size_t why_size);

/* Appends the subject (NUL-terminated) to b. */
void nats_subject_make(struct msgbuf *b, const char *template, const char *host, const char *probe,
                       const char *event);

#endif /* NATS_SUBJECT_H */
