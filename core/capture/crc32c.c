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
/*
 * The crc32 instruction computes CRC-32C 8 bytes at a time, but each one
 * waits for the one before (3 cycles): three independent streams over
 * three stretches of the buffer keep the unit busy, and the stretches'
 * CRCs are joined by "appending zeros" with precomputed operators (the
 * linear algebra of CRCs, as zlib's crc32_combine does it).
 */
#define LANE_LONG  8192
#define LANE_SHORT 256

static uint32_t zeros_long[4][256], zeros_short[4][256];

static uint32_t gf2_times(const uint32_t *mat, uint32_t vec)
{
        uint32_t sum = 0;

        for (; vec; vec >>= 1, mat++) {
                if (vec & 1)
                        sum ^= *mat;
        }
        return sum;
}

static void gf2_square(uint32_t *square, const uint32_t *mat)
{
        for (int n = 0; n < 32; n++)
                square[n] = gf2_times(mat, mat[n]);
}

/* The operator that appends `len` (a power of two) zero bytes to a CRC register. */
static void zeros_operator(uint32_t *even, size_t len)
{
        uint32_t odd[32], row = 1;

        odd[0] = CRC32C_POLY_REFLECTED; /* one zero bit */
        for (int n = 1; n < 32; n++, row <<= 1)
                odd[n] = row;
        gf2_square(even, odd); /* two zero bits */
        gf2_square(odd, even); /* four */
        for (;;) {
                gf2_square(even, odd); /* one byte, then four, 16, ... */
                len >>= 1;
                if (!len)
                        return;
                gf2_square(odd, even);
                len >>= 1;
                if (!len)
                        break;
        }
        memcpy(even, odd, sizeof(odd));
}

static void zeros_tables(uint32_t zeros[4][256], size_t len)
{
        uint32_t op[32];

        zeros_operator(op, len);
        for (uint32_t n = 0; n < 256; n++) {
                zeros[0][n] = gf2_times(op, n);
                zeros[1][n] = gf2_times(op, n << 8);
                zeros[2][n] = gf2_times(op, n << 16);
                zeros[3][n] = gf2_times(op, n << 24);
        }
}

static uint32_t shift(uint32_t zeros[4][256], uint32_t crc)
{
        return zeros[0][crc & 0xff] ^ zeros[1][(crc >> 8) & 0xff] ^ zeros[2][(crc >> 16) & 0xff] ^
               zeros[3][crc >> 24];
}

static bool zeros_ready;

__attribute__((target("sse4.2"))) static uint64_t
lanes(uint64_t c0, const unsigned char **p, size_t *n, size_t lane, uint32_t zeros[4][256])
{
        while (*n >= 3 * lane) {
                const unsigned char *next = *p, *end = *p + lane;
                uint64_t c1 = 0, c2 = 0;

                do {
                        uint64_t w0, w1, w2;

                        memcpy(&w0, next, 8);
                        memcpy(&w1, next + lane, 8);
                        memcpy(&w2, next + 2 * lane, 8);
                        c0 = __builtin_ia32_crc32di(c0, w0);
                        c1 = __builtin_ia32_crc32di(c1, w1);
                        c2 = __builtin_ia32_crc32di(c2, w2);
                        next += 8;
                } while (next < end);
                c0 = shift(zeros, (uint32_t)c0) ^ (uint32_t)c1;
                c0 = shift(zeros, (uint32_t)c0) ^ (uint32_t)c2;
                *p += 3 * lane;
                *n -= 3 * lane;
        }
        return c0;
}

__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const unsigned char *p,
                                                               size_t n)
{
        uint64_t c = crc;

        if (!zeros_ready) {
                zeros_tables(zeros_long, LANE_LONG);
                zeros_tables(zeros_short, LANE_SHORT);
                zeros_ready = true;
        }
        c = lanes(c, &p, &n, LANE_LONG, zeros_long);
        c = lanes(c, &p, &n, LANE_SHORT, zeros_short);
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
