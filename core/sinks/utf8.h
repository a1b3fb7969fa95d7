/* SPDX-License-Identifier: MIT */
#ifndef PROBEKIT_SINKS_UTF8_H
#define PROBEKIT_SINKS_UTF8_H

#include <stddef.h>

/*
 * Length (2 to 4) of the well-formed UTF-8 sequence at s, whose first byte is
 * 0x80 or above, within n bytes; 0 when it is not one (stray continuation
 * byte, overlong form, surrogate, above U+10FFFF, or cut short).
 */
size_t utf8_sequence_len(const unsigned char *s, size_t n);

/* U+FFFD REPLACEMENT CHARACTER, what each invalid byte is shown as. */
#define UTF8_REPLACEMENT "\xef\xbf\xbd"

#endif /* PROBEKIT_SINKS_UTF8_H */
