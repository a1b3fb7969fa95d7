/* SPDX-License-Identifier: MIT */
/*
 * The check every sample passes before anything past its header is read,
 * the same at capture time and at replay: a known type, made in the kernel,
 * of a size within the type's [min_size, max_size].
 */
#ifndef PK_CORE_CAPTURE_SAMPLE_CHECK_H
#define PK_CORE_CAPTURE_SAMPLE_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <probekit/plugin.h>

static inline const struct pk_event_type *sample_event_type(const struct pk_event_type *events,
                                                            uint32_t n_events, const void *sample,
                                                            size_t size)
{
        const struct pk_event_type *type;
        uint16_t index;
        uint32_t max;

        if (size < sizeof(struct pk_event_header))
                return NULL;
        memcpy(&index, (const char *)sample + offsetof(struct pk_event_header, type),
               sizeof(index));
        if (index >= n_events)
                return NULL;
        type = &events[index];
        max = type->max_size ? type->max_size : type->min_size;
        if (size < type->min_size || size > max || (type->flags & PK_EVENT_EMITTED))
                return NULL;
        return type;
}

#endif
