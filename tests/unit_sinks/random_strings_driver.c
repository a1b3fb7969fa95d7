/* SPDX-License-Identifier: MIT */
/*
 * Feeds a sink records whose one STR field holds random bytes, biased toward
 * what breaks escaping (quotes, backslashes, control bytes, pieces of UTF-8),
 * and keeps the raw strings so check_random_strings.py can compare what the
 * sink wrote with an independent decoder.
 *
 *   random_strings_driver json|text RAW_FILE SINK_OUTPUT COUNT SEED
 *
 * RAW_FILE holds each string as a 4-byte little-endian length and its bytes.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin_sinks.h"
#include "fake_host.h"

#define MAX_LEN 64

static uint64_t next_random(uint64_t *state)
{
        /* xorshift64: reproducible from the seed, good enough to pick bytes */
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        return *state;
}

static char random_byte(uint64_t *state)
{
        static const char interesting[] = {
            '"',        '\\',       '\n',       '\t',       '\0',       0x01,
            0x1f,       0x7f,       (char)0x80, (char)0xbf, (char)0xc0, (char)0xc3,
            (char)0xa9, (char)0xe2, (char)0x82, (char)0xac, (char)0xed, (char)0xa0,
            (char)0xf0, (char)0x9f, (char)0xf4, (char)0x90, (char)0xff, ' '};
        uint64_t r = next_random(state);

        switch (r % 4) {
        case 0:
                return (char)('a' + (r >> 8) % 26);
        case 1:
                return interesting[(r >> 8) % sizeof(interesting)];
        default:
                return (char)(r >> 8);
        }
}

static int write_raw(FILE *raw, const char *s, uint32_t len)
{
        unsigned char prefix[4] = {(unsigned char)len, (unsigned char)(len >> 8),
                                   (unsigned char)(len >> 16), (unsigned char)(len >> 24)};

        return fwrite(prefix, 1, 4, raw) == 4 && fwrite(s, 1, len, raw) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
        static const struct pk_field field = {.name = "s", .type = PK_FIELD_STR};
        const struct pk_plugin *plugin;
        struct pk_record *records = NULL;
        union pk_value *values = NULL;
        char *strings = NULL;
        struct fake_output out = {0};
        uint64_t state;
        size_t count;
        FILE *raw = NULL;
        int rc = 1;

        if (argc != 6) {
                fprintf(stderr, "usage: %s json|text RAW_FILE SINK_OUTPUT COUNT SEED\n", argv[0]);
                return 2;
        }
        plugin = strcmp(argv[1], "text") == 0 ? &pk_text_sink_plugin : &pk_json_sink_plugin;
        count = strtoul(argv[4], NULL, 10);
        state = strtoull(argv[5], NULL, 10) | 1;
        records = calloc(count, sizeof(*records));
        values = calloc(count, sizeof(*values));
        strings = malloc(count * MAX_LEN + 1);
        raw = fopen(argv[2], "wb");
        if (!records || !values || !strings || !raw)
                goto cleanup;
        for (size_t i = 0; i < count; i++) {
                char *s = strings + i * MAX_LEN;
                uint32_t len = (uint32_t)(next_random(&state) % MAX_LEN);

                for (uint32_t j = 0; j < len; j++)
                        s[j] = random_byte(&state);
                if (write_raw(raw, s, len))
                        goto cleanup;
                values[i].str.ptr = s;
                values[i].str.len = len;
                records[i] = (struct pk_record){.probe = "p",
                                                .event = "e",
                                                .fields = &field,
                                                .values = &values[i],
                                                .n_fields = 1};
        }
        if (fclose(raw) != 0) {
                raw = NULL;
                goto cleanup;
        }
        raw = NULL;
        rc = fake_sink_run(plugin, NULL, argv[3], records, count, &out) ? 1 : 0;
cleanup:
        if (raw)
                fclose(raw);
        free(out.data);
        free(strings);
        free(values);
        free(records);
        return rc;
}
