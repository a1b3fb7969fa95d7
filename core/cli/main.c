// SPDX-License-Identifier: MIT
/* probekit: run pluggable eBPF probes. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include <probekit/plugin.h>

#include "commands.h"
#include "setup.h"

#ifndef PROBEKIT_VERSION
#define PROBEKIT_VERSION "0.0.0"
#endif

static const char usage[] =
    "Usage: probekit COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  run       load and attach the probes, write their events to the sinks\n"
    "  list      show the probes of the running instance\n"
    "  sessions  show the login sessions the running instance follows\n"
    "  stats     counters and rates of the running instance's probes and sinks\n"
    "  enable    start one configured instance of the running instance\n"
    "  disable   stop one instance of the running instance, the others untouched\n"
    "  reload    re-read the configuration, apply only what changed (as SIGHUP)\n"
    "  reopen    reopen the sinks' output files (log rotation)\n"
    "  plugins   list the plugins found on disk\n"
    "  info      show a plugin's options and event fields\n"
    "  check     validate a configuration file without loading BPF\n"
    "  replay    decode capture files (run --format capture) without BPF or root\n"
    "  new-plugin  make a plugin folder from the installed template\n"
    "\n"
    "Run 'probekit COMMAND --help' for a command's options.\n"
    "Options: --help, --version\n"
    "\n"
    "Exit codes: 0 success; 1 no probe could attach or the loop failed; 2 bad\n"
    "arguments or configuration; 3 no running instance (list, sessions, stats,\n"
    "enable, disable, reload, reopen; these exit 1 when the instance refused).\n";

int main(int argc, char **argv)
{
        static const struct {
                const char *name;
                int (*fn)(int argc, char **argv);
        } commands[] = {
            {"run", cmd_run},
            {"list", cmd_list},
            {"plugins", cmd_plugins},
            {"info", cmd_info},
            {"check", cmd_check},
            {"replay", cmd_replay},
            {"new-plugin", cmd_new_plugin},
            {"sessions", cmd_sessions},
            {"stats", cmd_stats},
            {"enable", cmd_enable},
            {"disable", cmd_disable},
            {"reload", cmd_reload},
            {"reopen", cmd_reopen},
        };

        /*
         * libbpf parses the kernel's BTF (megabytes) once per BPF object it
         * loads. With glibc's adaptive threshold those buffers land on the
         * heap after the first free and stay there; a fixed threshold keeps
         * them in mmap()s that go back to the kernel, and the peak RSS small.
         * 128 KiB, glibc's own starting value, rather than more: libbpf's
         * per-object tables between 128 and 256 KiB then go back to the
         * kernel too (measured: 0.5 MB less peak RSS with every probe).
         */
        mallopt(M_MMAP_THRESHOLD, 128 * 1024);
        mallopt(M_TRIM_THRESHOLD, 128 * 1024);

        if (argc < 2) {
                fputs(usage, stderr);
                return EXIT_USAGE;
        }
        if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
                fputs(usage, stdout);
                return EXIT_OK;
        }
        if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
                printf("probekit %s (plugin ABI %d.%d)\n", PROBEKIT_VERSION, PK_ABI_MAJOR,
                       PK_ABI_MINOR);
                return EXIT_OK;
        }
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
                if (!strcmp(argv[1], commands[i].name))
                        return commands[i].fn(argc - 1, argv + 1);
        }
        fprintf(stderr, "probekit: unknown command '%s'\n\n%s", argv[1], usage);
        return EXIT_USAGE;
}
