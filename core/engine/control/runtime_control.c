// SPDX-License-Identifier: MIT
/* `enable`, `disable` and `reopen`: change one instance, or every sink's output, at run time. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "control_commands.h"
#include "log.h"
#include "run.h"
#include "strbuf.h"

/* A configured instance (not one a reload removed), or NULL with the error written. */
static struct pk_instance *configured(const struct control_call *call, struct strbuf *out)
{
        struct pk_instance *inst = run_find_instance(call->run, call->argv[0]);

        if (!inst || inst->state == INSTANCE_REMOVED) {
                control_error(call, out, "no instance named '%s' in the running configuration",
                              call->argv[0]);
                return NULL;
        }
        return inst;
}

static int reply_state(const struct control_call *call, struct strbuf *out,
                       const struct pk_instance *inst, const char *what)
{
        if (call->json) {
                strbuf_printf(out, "{\"name\":");
                strbuf_json_string(out, inst->name);
                strbuf_printf(out, ",\"state\":\"%s\",\"result\":\"%s\"}\n",
                              instance_state_name(inst->state), what);
        } else {
                strbuf_printf(out, "%s: %s (%s)\n", inst->name, what,
                              instance_state_name(inst->state));
        }
        return 0;
}

static size_t attached_sinks(const struct run *run)
{
        size_t n = 0;

        for (size_t i = 0; i < run->n_sinks; i++)
                n += run->sinks[i].state == INSTANCE_ATTACHED;
        return n;
}

int control_cmd_enable(const struct control_call *call, struct strbuf *out)
{
        struct pk_instance *inst = configured(call, out);

        if (!inst)
                return -ENOENT;
        if (inst->state == INSTANCE_ATTACHED)
                return reply_state(call, out, inst, "already enabled");
        if (run_start_instance(call->run, inst))
                return control_error(call, out, "%s: could not start: %s", inst->name,
                                     inst->reason);
        log_info(inst->name, "enabled over the control socket");
        return reply_state(call, out, inst, "enabled");
}

int control_cmd_disable(const struct control_call *call, struct strbuf *out)
{
        struct pk_instance *inst = configured(call, out);

        if (!inst)
                return -ENOENT;
        if (inst->state == INSTANCE_DISABLED)
                return reply_state(call, out, inst, "already disabled");
        if (inst->plugin->desc.kind == PK_KIND_SINK && inst->state == INSTANCE_ATTACHED &&
            attached_sinks(call->run) == 1)
                return control_error(
                    call, out, "%s is the only working sink: events would go nowhere", inst->name);
        run_stop_instance(call->run, inst, INSTANCE_DISABLED);
        log_info(inst->name, "disabled over the control socket");
        return reply_state(call, out, inst, "disabled");
}

int control_cmd_reopen(const struct control_call *call, struct strbuf *out)
{
        int rc = run_reopen_sinks(call->run);

        if (rc)
                return control_error(call, out, "reopening an output failed: %s (see the log)",
                                     strerror(-rc));
        strbuf_printf(out, call->json ? "{\"reopened\":true}\n" : "sink outputs reopened\n");
        return 0;
}
