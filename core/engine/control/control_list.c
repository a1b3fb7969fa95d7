// SPDX-License-Identifier: MIT
/* `list`: every probe and sink, its state, mode, counters and since when it runs. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "control_commands.h"
#include "probe.h"
#include "run.h"
#include "sink_host.h"
#include "strbuf.h"

/* The kernel's ids of the instance's BPF links (as `bpftool link` shows them). */
static void describe_links(const struct pk_instance *inst, struct strbuf *out)
{
        unsigned listed = 0;

        strbuf_printf(out, ",\"links\":[");
        for (size_t i = 0; i < inst->n_links; i++) {
                struct bpf_link_info info;
                __u32 len = sizeof(info);

                memset(&info, 0, sizeof(info));
                if (bpf_obj_get_info_by_fd(bpf_link__fd(inst->links[i]), &info, &len))
                        continue;
                strbuf_printf(out, "%s%u", listed++ ? "," : "", info.id);
        }
        strbuf_printf(out, "]");
}

static void describe_instance(const struct pk_instance *inst, struct strbuf *out)
{
        const struct option_value *ring = option_set_get(&inst->opts, "ring_size");

        strbuf_printf(out, "{\"name\":");
        strbuf_json_string(out, inst->name);
        strbuf_printf(out, ",\"plugin\":");
        strbuf_json_string(out, inst->plugin->desc.name);
        strbuf_printf(out, ",\"version\":");
        strbuf_json_string(out, inst->plugin->desc.version);
        strbuf_printf(out, ",\"state\":\"%s\",\"reason\":", instance_state_name(inst->state));
        strbuf_json_string(out, inst->reason);
        if (inst->since_ns)
                strbuf_printf(out, ",\"since\":%llu", (unsigned long long)inst->since_ns);
        else
                strbuf_printf(out, ",\"since\":null");
        if (inst->plugin->desc.kind == PK_KIND_PROBE) {
                strbuf_printf(out, ",\"mode\":");
                if (inst->mode)
                        strbuf_json_string(out, inst->mode);
                else
                        strbuf_printf(out, "null");
                strbuf_printf(out,
                              ",\"events\":%llu,\"drops\":%llu,\"malformed\":%llu,"
                              "\"ring_size\":%lld",
                              (unsigned long long)inst->events, (unsigned long long)inst->drops,
                              (unsigned long long)inst->malformed, ring ? (long long)ring->i : 0LL);
                describe_links(inst, out);
        } else {
                sink_counters_json(inst, out);
        }
        strbuf_printf(out, "}");
}

static void describe_json(const struct run *run, struct strbuf *out)
{
        strbuf_printf(out, "{\"pid\":%d,\"probes\":[", (int)getpid());
        for (size_t i = 0; i < run->n_probes; i++) {
                strbuf_printf(out, "%s", i ? "," : "");
                describe_instance(&run->probes[i], out);
        }
        strbuf_printf(out, "],\"sinks\":[");
        for (size_t i = 0; i < run->n_sinks; i++) {
                strbuf_printf(out, "%s", i ? "," : "");
                describe_instance(&run->sinks[i], out);
        }
        strbuf_printf(out, "]}\n");
}

/* Since when, as the local time of day (the JSON has the full timestamp). */
static void format_since(uint64_t since_ns, char *buf, size_t len)
{
        time_t secs = (time_t)(since_ns / 1000000000ULL);
        struct tm tm;

        if (!since_ns || !localtime_r(&secs, &tm) || !strftime(buf, len, "%H:%M:%S", &tm))
                snprintf(buf, len, "-");
}

static void table_row(const struct pk_instance *inst, struct strbuf *out)
{
        bool probe = inst->plugin->desc.kind == PK_KIND_PROBE;
        const char *reason = inst->reason[0] || probe ? inst->reason : sink_condition(inst);
        char since[16];

        format_since(inst->since_ns, since, sizeof(since));
        strbuf_printf(out, "%-16s %-14s %-8s %-6s %-9s %-11s", inst->name, inst->plugin->desc.name,
                      inst->plugin->desc.version, probe ? "probe" : "sink",
                      instance_state_name(inst->state), inst->mode ? inst->mode : "-");
        if (probe)
                strbuf_printf(out, " %10llu %8llu", (unsigned long long)inst->events,
                              (unsigned long long)inst->drops);
        else
                sink_counters_text(inst, out);
        strbuf_printf(out, " %-8s%s%s\n", since, reason[0] ? "  " : "", reason);
}

static void describe_table(const struct run *run, struct strbuf *out)
{
        strbuf_printf(out, "%-16s %-14s %-8s %-6s %-9s %-11s %10s %8s %-8s  %s\n", "NAME", "PLUGIN",
                      "VERSION", "KIND", "STATE", "MODE", "EVENTS", "DROPS", "SINCE", "REASON");
        for (size_t i = 0; i < run->n_probes; i++)
                table_row(&run->probes[i], out);
        for (size_t i = 0; i < run->n_sinks; i++)
                table_row(&run->sinks[i], out);
}

int control_cmd_list(const struct control_call *call, struct strbuf *out)
{
        struct run *run = call->run;

        run_read_drops(run); /* the reply is current */
        if (call->json)
                describe_json(run, out);
        else
                describe_table(run, out);
        return 0;
}
