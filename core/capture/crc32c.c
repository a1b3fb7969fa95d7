// SPDX-License-Identifier: MIT
#include "crc32c.h"

#include <stdbool.h>
#include <string.h>

#define CRC32C_POLY_REFLECTED 0x82F63B78u

static uint32_t table[256];
static bool table_ready;

static void build_table(void)
{
        for (uint32_t i = 0; i < 256; i++) {
                uint32_t c = i;

                for (int k = 0; k < 8; k++)
                        c = c & 1 ? (c >> 1) ^ CRC32C_POLY_REFLECTED : c >> 1;
                table[i] = c;
        }
        table_ready = true;
}

static uint32_t crc32c_table(uint32_t crc, const unsigned char *p, size_t n)
{
        if (!table_ready)
                build_table();
        while (n--)
                crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
        return crc;
}

#if defined(__x86_64__)
/* The crc32 instruction computes CRC-32C: 8 bytes per instruction. */
__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const unsigned char *p,
                                                               size_t n)
{
        uint64_t c = crc;

        while (n >= 8) {
                uint64_t word;

                memcpy(&word, p, 8);
                c = __builtin_ia32_crc32di(c, word);
                p += 8;
                n -= 8;
        }
        crc = (uint32_t)c;
        while (n--)
                crc = __builtin_ia32_crc32qi(crc, *p++);
        return crc;
}
#endif

uint32_t crc32c(uint32_t crc, const void *data, size_t n)
{
        crc = ~crc;
#if defined(__x86_64__)
        if (__builtin_cpu_supports("sse4.2"))
                return ~crc32c_sse42(crc, data, n);
#endif
        return ~crc32c_table(crc, data, n);
}
