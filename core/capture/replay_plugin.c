// SPDX-License-Identifier: MIT
#include "replay_plugin.h"

#include <stdlib.h>
#include <string.h>

#include "instance.h"
#include "log.h"
#include "plan.h"

/* The plugin's event matches the capture's: decode() may read the sample as it expects. */
static bool same_event(const struct pk_event_type *mine, const struct pk_event_type *theirs)
{
        uint32_t max = theirs->max_size ? theirs->max_size : theirs->min_size;

        return theirs->decode && !strcmp(mine->name, theirs->name) &&
               mine->min_size == theirs->min_size && mine->max_size == max &&
               mine->n_fields == theirs->n_fields;
}

static int create_instance(struct replay_probe *p, const struct plugin_handle *h)
{
        const struct capture_schema *s = &p->schema;
        struct instance_spec spec;
        char err[512];
        int rc;

        rc = instance_spec_init(&spec, s->name, h, 0, err, sizeof(err));
        if (rc) {
                log_debug(s->name, "replay: %s", err);
                return rc;
        }
        for (uint32_t i = 0; i < s->n_options; i++) {
                /* an option this version lacks or refuses keeps its default */
                if (option_set_assign(&spec.opts, s->options[i].key, s->options[i].value, 0, err,
                                      sizeof(err)))
                        log_debug(s->name, "replay: option %s: %s", s->options[i].key, err);
        }
        p->plugin_inst = calloc(1, sizeof(*p->plugin_inst));
        if (!p->plugin_inst) {
                plan_spec_free(&spec);
                return -1;
        }
        p->plugin_inst->name = spec.name;
        p->plugin_inst->plugin = h;
        p->plugin_inst->opts = spec.opts;
        p->plugin_inst->drops_fd = -1;
        p->plugin = h;
        if (h->desc.probe && h->desc.probe->create) {
                rc = h->desc.probe->create(host_table(), p->plugin_inst, &p->plugin_state);
                if (rc) {
                        log_warn(s->name, "replay: the plugin's create() failed: its records "
                                          "are decoded from the declared fields only");
                        replay_plugin_release(p);
                        return rc;
                }
        }
        return 0;
}

void replay_plugin_bind(struct replay_probe *p, const struct plugin_set *plugins)
{
        const struct capture_schema *s = &p->schema;
        const struct plugin_handle *h = plugin_set_find(plugins, s->plugin);
        bool any = false;

        if (!h || h->desc.kind != PK_KIND_PROBE || !h->desc.version ||
            strcmp(h->desc.version, s->version))
                return;
        for (uint32_t i = 0; i < s->n_events && i < h->desc.n_events; i++) {
                if (s->custom_decode[i] && same_event(&s->events[i], &h->desc.events[i]))
                        any = true;
        }
        if (!any || create_instance(p, h))
                return;
        for (uint32_t i = 0; i < s->n_events && i < h->desc.n_events; i++)
                p->use_decode[i] =
                    s->custom_decode[i] && same_event(&s->events[i], &h->desc.events[i]);
}

int replay_plugin_decode(struct replay_probe *p, uint32_t event, const void *sample, size_t size,
                         uint64_t *absent)
{
        return p->plugin->desc.events[event].decode(p->plugin_state, sample, size, p->values,
                                                    absent);
}

void replay_plugin_release(struct replay_probe *p)
{
        if (p->plugin_inst) {
                if (p->plugin_state && p->plugin->desc.probe && p->plugin->desc.probe->destroy)
                        p->plugin->desc.probe->destroy(p->plugin_state);
                option_set_free(&p->plugin_inst->opts);
                free(p->plugin_inst->name);
                free(p->plugin_inst);
        }
        p->plugin_inst = NULL;
        p->plugin_state = NULL;
        p->plugin = NULL;
        if (p->use_decode && p->schema.n_events)
                memset(p->use_decode, 0, p->schema.n_events * sizeof(*p->use_decode));
}
