// SPDX-License-Identifier: MIT
/*
 * JSON string escaping: any bytes in, valid JSON out. Both entry points are
 * checked against each other and against a small JSON string validator.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_string.h"

/* Whether out[0..n) is one JSON string: quotes, escapes, no control byte. */
static int is_json_string(const char *out, size_t n)
{
        if (n < 2 || out[0] != '"' || out[n - 1] != '"')
                return 0;
        for (size_t i = 1; i < n - 1; i++) {
                unsigned char c = (unsigned char)out[i];

                if (c < 0x20 || c == '"')
                        return 0;
                if (c == '\\') {
                        if (i + 1 >= n - 1)
                                return 0;
                        i++;
                        if (out[i] == 'u')
                                i += 4;
                        else if (!strchr("\"\\/bfnrt", out[i]))
                                return 0;
                }
        }
        return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *direct = malloc(JSON_STRING_MAX(size));
        char *end;

        if (!direct)
                return 0;
        end = json_format_string(direct, (const char *)data, size);
        if (end < direct || (size_t)(end - direct) > JSON_STRING_MAX(size))
                abort();
        if (!is_json_string(direct, (size_t)(end - direct)))
                abort();
        free(direct);
        return 0;
}
