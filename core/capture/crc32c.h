/* SPDX-License-Identifier: MIT */
/* CRC-32C (Castagnoli), as iSCSI and ext4 use it: SSE4.2 when the CPU has it. */
#ifndef PK_CORE_CRC32C_H
#define PK_CORE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Continue `crc` (0 to start) over n bytes; the result is the finished CRC. */
uint32_t crc32c(uint32_t crc, const void *data, size_t n);

#endif
