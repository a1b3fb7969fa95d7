// SPDX-License-Identifier: MIT
/*
 * Sample decoding against random event-type declarations: the first bytes
 * declare up to eight fields (type, flags, offset, size) and the sizes of
 * one event type; the loader's checks must refuse whatever decode() cannot
 * read safely, and for a declaration they accept, any sample bytes decode
 * within bounds and render through the JSON and text sinks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "builtin_sinks.h"
#include "decode.h"
#include "fake_host.h"
#include "loader.h"

#define MAX_FIELDS 8

static const void *no_object(size_t *size)
{
        *size = 0;
        return NULL;
}

static const struct pk_probe_ops ops = {.bpf_object = no_object};
static const char *const names[MAX_FIELDS] = {"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"};

static uint16_t get16(const uint8_t *p)
{
        return (uint16_t)(p[0] | p[1] << 8);
}

static void render(const struct pk_record *rec)
{
        static struct fake_sink sinks[2];
        static int opened;

        if (!opened) {
                if (fake_sink_open(&pk_json_sink_plugin, NULL, "/dev/null", &sinks[0]) ||
                    fake_sink_open(&pk_text_sink_plugin, NULL, "/dev/null", &sinks[1]))
                        abort();
                opened = 1;
        }
        for (int i = 0; i < 2; i++)
                sinks[i].plugin->sink->write(sinks[i].state, rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct pk_field fields[MAX_FIELDS];
        struct pk_event_type event = {.name = "ev"};
        struct pk_plugin desc = {
            PK_PLUGIN_HEADER(PK_KIND_PROBE),
            .name = "fuzz",
            .version = "1",
            .description = "fuzz",
            .events = &event,
            .n_events = 1,
            .probe = &ops,
        };
        struct plugin_set set = {0};
        struct pk_instance inst = {0};
        union pk_value values[MAX_FIELDS];
        struct pk_record rec;
        size_t n, need;
        uint8_t *sample;
        char why[512];

        if (size < 1)
                return 0;
        n = data[0] % MAX_FIELDS + 1;
        need = 1 + n * 6 + 4;
        if (size < need)
                return 0;
        for (size_t i = 0; i < n; i++) {
                const uint8_t *f = data + 1 + i * 6;

                fields[i] = (struct pk_field){
                    .name = names[i],
                    .type = (enum pk_field_type)(f[0] % 16),
                    .flags = f[1] & 0x7f,
                    .offset = get16(f + 2) % 512,
                    .size = get16(f + 4) % 512,
                };
        }
        event.fields = fields;
        event.n_fields = (uint32_t)n;
        event.min_size = get16(data + 1 + n * 6) % 1024;
        event.max_size = get16(data + 3 + n * 6) % 1024;
        if (plugin_set_add(&set, &desc, NULL, "fuzz", why, sizeof(why)))
                goto cleanup;
        /* the sample: a copy of its own, so reads past its end are caught */
        size -= need;
        sample = malloc(size ? size : 1);
        if (!sample)
                goto cleanup;
        memcpy(sample, data + need, size);
        if (size >= sizeof(struct pk_event_header))
                ((struct pk_event_header *)(void *)sample)->type = 0;
        inst.name = "fuzz";
        inst.plugin = &set.items[0];
        inst.values = values;
        if (!decode_sample(&inst, sample, size, &rec))
                render(&rec);
        free(sample);
cleanup:
        plugin_set_free(&set);
        return 0;
}
