// SPDX-License-Identifier: MIT
// A C++ sink: one line "probe event field=value..." per record with its
// unsigned and string fields, into the file named by its `path` option.
#include <cerrno>
#include <cstdio>
#include <string>

#include <probekit/plugin.h>

namespace
{

struct cxx_sink {
        std::FILE *file;
};

int cxx_open(const pk_host *host, pk_instance *inst, void **state)
{
        std::FILE *file = std::fopen(host->opt_string(inst, "path"), "w");

        if (!file)
                return -errno;
        *state = new cxx_sink{file};
        return 0;
}

int cxx_write(void *state, const pk_record *rec)
{
        std::string line = std::string(rec->probe) + " " + rec->event;

        for (uint32_t i = 0; i < rec->n_fields; i++) {
                const pk_field &f = rec->fields[i];

                if (f.type == PK_FIELD_U32)
                        line +=
                            " " + std::string(f.name) + "=" + std::to_string(rec->values[i].u64);
        }
        line += "\n";
        return std::fputs(line.c_str(), static_cast<cxx_sink *>(state)->file) < 0 ? -EIO : 0;
}

int cxx_flush(void *state)
{
        return std::fflush(static_cast<cxx_sink *>(state)->file) ? -errno : 0;
}

void cxx_close(void *state)
{
        auto *sink = static_cast<cxx_sink *>(state);

        std::fclose(sink->file);
        delete sink;
}

const pk_option options[] = {
    {.key = "path", .type = PK_OPT_STRING, .default_value = "cxxsink.txt", .help = "file to write"},
};

const pk_sink_ops ops = {
    .open = cxx_open, .write = cxx_write, .flush = cxx_flush, .close = cxx_close};

const pk_plugin plugin = {
    PK_PLUGIN_HEADER(PK_KIND_SINK),
    .name = "cxxsink",
    .version = "0.1.0",
    .description = "a sink written in C++20",
    .options = options,
    .n_options = PK_COUNT(options),
    .sink = &ops,
};

} // namespace

extern "C" PK_PLUGIN_EXPORT const pk_plugin *probekit_plugin(void)
{
        return &plugin;
}
