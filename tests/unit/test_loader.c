// SPDX-License-Identifier: MIT
/*
 * loader.c: the ABI and descriptor rules on descriptors made in the test,
 * then real plugin files (built in plugins/) loaded from a directory.
 * Usage: unit_test_loader PLUGIN_DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "loader.h"
#include "sample_plugins.h"
#include "unit_check.h"

/* What ABI 1.0 defines: every member up to `sink`. */
#define DESC_SIZE_2_0 (offsetof(struct pk_plugin, validate) + sizeof(void *))

static char why[512];

static int check(const struct pk_plugin *desc)
{
        why[0] = '\0';
        return plugin_check_descriptor(desc, why, sizeof(why));
}

/* `desc` is refused with a reason that contains `part`. */
#define EXPECT_REFUSED(desc, part)                                                                 \
        do {                                                                                       \
                EXPECT_INT(-EINVAL, check(desc));                                                  \
                EXPECT_HAS(why, part);                                                             \
        } while (0)

static void test_valid_descriptors(void)
{
        EXPECT_INT(0, check(&sample_alpha_probe));
        EXPECT_INT(0, check(&sample_beta_probe));
        EXPECT_INT(0, check(&sample_gamma_sink));
}

static void test_abi_versions(void)
{
        struct pk_plugin d = sample_beta_probe;
        char plugin_version[32], host_version[32];

        /* an older or equal minor is accepted */
        for (unsigned minor = 0; minor <= PK_ABI_MINOR; minor++) {
                d.abi_minor = minor;
                EXPECT_INT(0, check(&d));
        }

        /* a newer minor is refused, naming both versions */
        d.abi_minor = PK_ABI_MINOR + 1;
        snprintf(plugin_version, sizeof(plugin_version), "%u.%u", PK_ABI_MAJOR, PK_ABI_MINOR + 1);
        snprintf(host_version, sizeof(host_version), "%u.%u", PK_ABI_MAJOR, PK_ABI_MINOR);
        EXPECT_REFUSED(&d, plugin_version);
        EXPECT_HAS(why, host_version);
        EXPECT_HAS(why, "upgrade probekit");

        d.abi_minor = PK_ABI_MINOR;
        d.abi_major = PK_ABI_MAJOR + 1;
        EXPECT_REFUSED(&d, "majors differ");
        /* an ABI 1 plugin: one line that says what to do */
        d.abi_major = 1;
        d.abi_minor = 0;
        EXPECT_REFUSED(&d, "built against SDK 1 (ABI 1.0), this probekit has ABI 2.");
        EXPECT_HAS(why, "rebuild it against SDK 2");
        EXPECT(!strchr(why, '\n'));
        d.abi_minor = PK_ABI_MINOR;

        d.abi_major = PK_ABI_MAJOR;
        d.struct_size = DESC_SIZE_2_0 - 1;
        EXPECT_REFUSED(&d, "descriptor is");
        d.struct_size = 0;
        EXPECT_REFUSED(&d, "descriptor is 0 bytes");
}

static void test_missing_members(void)
{
        struct pk_probe_ops no_object = {0};
        struct pk_sink_ops sink_ops = *sample_gamma_sink.sink;
        struct pk_plugin d = sample_beta_probe;

        d.name = NULL;
        EXPECT_REFUSED(&d, "missing member 'name'");
        d = sample_beta_probe;
        d.version = NULL;
        EXPECT_REFUSED(&d, "missing member 'version'");
        d.version = "";
        EXPECT_REFUSED(&d, "missing member 'version'");
        d = sample_beta_probe;
        d.description = NULL;
        EXPECT_REFUSED(&d, "missing member 'description'");
        d = sample_beta_probe;
        d.probe = NULL;
        EXPECT_REFUSED(&d, "missing member 'probe'");
        d.probe = &no_object;
        EXPECT_REFUSED(&d, "missing member 'probe->bpf_object'");
        d = sample_beta_probe;
        d.events = NULL;
        EXPECT_REFUSED(&d, "missing member 'events'");
        d = sample_beta_probe;
        d.n_events = 0;
        EXPECT_REFUSED(&d, "missing member 'events'");

        d = sample_gamma_sink;
        d.sink = NULL;
        EXPECT_REFUSED(&d, "missing member 'sink'");
        d.sink = &sink_ops;
        sink_ops.open = NULL;
        EXPECT_REFUSED(&d, "missing member 'sink->open'");
        sink_ops = *sample_gamma_sink.sink;
        sink_ops.write = NULL;
        EXPECT_REFUSED(&d, "missing member 'sink->write'");
        sink_ops = *sample_gamma_sink.sink;
        sink_ops.flush = NULL;
        EXPECT_REFUSED(&d, "missing member 'sink->flush'");
        sink_ops = *sample_gamma_sink.sink;
        sink_ops.close = NULL;
        EXPECT_REFUSED(&d, "missing member 'sink->close'");

        d = sample_gamma_sink;
        d.kind = (enum pk_plugin_kind)7;
        EXPECT_REFUSED(&d, "unknown plugin kind 7");
}

static void test_names(void)
{
        const char *bad[] = {"",
                             "Alpha",
                             "has-dash",
                             "with space",
                             "dot.ted",
                             "é",
                             "a234567890123456789012345678901234567890123456789012345678901234"};
        struct pk_plugin d = sample_beta_probe;

        for (size_t i = 0; i < PK_COUNT(bad); i++) {
                d.name = bad[i];
                EXPECT_REFUSED(&d, "is not [a-z0-9_]+");
        }
        d.name = "a23456789012345678901234567890123456789012345678901234567890123";
        EXPECT_INT(0, check(&d));
        d.name = "probe_2";
        EXPECT_INT(0, check(&d));
}

static void test_options(void)
{
        const char *reserved[] = {"pid",    "uid",       "comm",   "enabled",
                                  "plugin", "ring_size", "wakeup", "attach",
                                  "login_only", "auid", "session", "cgroup"};
        struct pk_option opt = {.key = "level", .type = PK_OPT_INT, .max = 3, .help = "h"};
        struct pk_plugin d = sample_beta_probe;

        d.options = &opt;
        d.n_options = 1;
        EXPECT_INT(0, check(&d));
        for (size_t i = 0; i < PK_COUNT(reserved); i++) {
                opt.key = reserved[i];
                EXPECT_REFUSED(&d, "is declared by the core for every probe");
                EXPECT_HAS(why, reserved[i]);
        }
        opt.key = NULL;
        EXPECT_REFUSED(&d, "option 0 has no key");
        opt.key = "level";
        opt.help = NULL;
        EXPECT_REFUSED(&d, "option 'level' has no help text");
        opt.help = "h";
        opt.type = PK_OPT_ENUM;
        EXPECT_REFUSED(&d, "enum option 'level' has no choices");
        opt.type = (enum pk_option_type)0;
        EXPECT_REFUSED(&d, "option 'level' has unknown type 0");
        d.options = NULL;
        EXPECT_REFUSED(&d, "declares 1 options but no option table");

        /* the reserved keys are the probes' only: a sink may have a `pid` option */
        opt = (struct pk_option){.key = "pid", .type = PK_OPT_INT, .max = 9, .help = "h"};
        d = sample_gamma_sink;
        d.options = &opt;
        d.n_options = 1;
        EXPECT_INT(0, check(&d));
}

static void test_attach_modes(void)
{
        const char *const programs[] = {"prog", NULL};
        const char *const no_programs[] = {NULL};
        struct pk_attach_mode mode = {.name = "tracepoint", .programs = programs};
        struct pk_plugin d = sample_beta_probe;

        d.attach_modes = &mode;
        d.n_attach_modes = 1;
        EXPECT_INT(0, check(&d));
        mode.name = "auto";
        EXPECT_REFUSED(&d, "attach mode 0 has no valid name");
        mode.name = "Bad";
        EXPECT_REFUSED(&d, "attach mode 0 has no valid name");
        mode.name = "tracepoint";
        mode.programs = no_programs;
        EXPECT_REFUSED(&d, "attach mode 'tracepoint' lists no programs");
        mode.programs = NULL;
        EXPECT_REFUSED(&d, "attach mode 'tracepoint' lists no programs");
        d.attach_modes = NULL;
        EXPECT_REFUSED(&d, "declares 1 attach modes but no table");
}

/* The messages below name sizes: the header is 56 bytes in ABI 2.x. */
_Static_assert(sizeof(struct pk_event_header) == 56, "pk_event_header changed size");

static int no_decode(void *state, const void *sample, size_t size, union pk_value *values,
                     uint64_t *absent)
{
        (void)state;
        (void)sample;
        (void)size;
        (void)values;
        (void)absent;
        return 0;
}

/* ABI 2 types: addresses by their size, names on integers only and sane, no key clash. */
static void test_new_field_types(struct pk_plugin *d, struct pk_event_type *event,
                                 struct pk_field *field)
{
        static const struct pk_name good[] = {{1, "ONE"}, {2, "TWO"}};
        static const struct pk_name bad[] = {{1, "ONE"}, {2, "T\nWO"}};
        static const struct pk_names good_names = {PK_NAMES_FLAGS, 2, good};
        static const struct pk_names bad_names = {PK_NAMES_ENUM, 2, bad};
        static const struct pk_names odd_kind = {(enum pk_names_kind)3, 2, good};
        static const struct pk_names empty = {PK_NAMES_ENUM, 0, NULL};
        const uint32_t hdr = (uint32_t)sizeof(struct pk_event_header);
        struct pk_field two[2];
        uint32_t min = event->min_size;

        event->min_size = hdr + 16;
        *field = (struct pk_field){.name = "a", .type = PK_FIELD_IPV4, .offset = hdr, .size = 16};
        EXPECT_REFUSED(d, "field 'a' is 16 bytes, its type needs 4");
        *field = (struct pk_field){.name = "a", .type = PK_FIELD_IPV6, .offset = hdr, .size = 4};
        EXPECT_REFUSED(d, "field 'a' is 4 bytes, its type needs 16");
        field->size = 16;
        EXPECT_INT(0, check(d));
        field->flags = PK_FIELD_SIGNAL;
        EXPECT_REFUSED(d, "apply to integer fields only");
        *field = (struct pk_field){
            .name = "f", .type = PK_FIELD_U32, .offset = hdr, .size = 4, .names = &good_names};
        EXPECT_INT(0, check(d));
        field->names = &bad_names;
        EXPECT_REFUSED(d, "field 'f': name 1 is empty or holds control characters");
        field->names = &odd_kind;
        EXPECT_REFUSED(d, "field 'f' has names of unknown kind 3");
        field->names = &empty;
        EXPECT_REFUSED(d, "field 'f' has an empty names table");
        field->names = NULL;
        field->type = PK_FIELD_S8;
        EXPECT_REFUSED(d, "field 'f' is 4 bytes, its type needs 1");
        /* a named field's `<name>_name` key must not be another field's */
        two[0] = (struct pk_field){.name = "sig",
                                   .type = PK_FIELD_S32,
                                   .offset = hdr,
                                   .size = 4,
                                   .flags = PK_FIELD_SIGNAL};
        two[1] =
            (struct pk_field){.name = "sig_name", .type = PK_FIELD_U32, .offset = hdr, .size = 4};
        event->fields = two;
        event->n_fields = 2;
        EXPECT_REFUSED(d, "field 'sig' is named, and another field is 'sig_name'");
        two[0].flags = 0;
        EXPECT_INT(0, check(d));
        event->fields = field;
        event->n_fields = 1;
        event->min_size = min;
        *field = (struct pk_field){.name = "t", .type = PK_FIELD_U8, .offset = hdr};
}

static void test_event_types(void)
{
        const uint32_t hdr = sizeof(struct pk_event_header);
        struct pk_field field = {.name = "v", .type = PK_FIELD_U32, .offset = hdr, .size = 4};
        struct pk_event_type event = {
            .name = "ev", .fields = &field, .n_fields = 1, .min_size = hdr + 4};
        struct pk_plugin d = sample_beta_probe;

        d.events = &event;
        d.n_events = 1;
        EXPECT_INT(0, check(&d));

        event.min_size = hdr - 1;
        EXPECT_REFUSED(&d, "must start at sizeof(struct pk_event_header)");
        event.min_size = hdr + 4;
        event.max_size = hdr + 3;
        EXPECT_REFUSED(&d, "sizes [60, 59]");
        event.max_size = 0;

        /* a declared field must fit in the smallest sample */
        field.offset = hdr + 1;
        EXPECT_REFUSED(&d, "field 'v' (offset 57, size 4) ends past min_size 60");
        /* ... unless a decoder of the plugin's own reads the sample */
        event.decode = no_decode;
        EXPECT_INT(0, check(&d));
        event.decode = NULL;
        /* a scalar's size must be its type's width, with no 32-bit wrap-around */
        field = (struct pk_field){.name = "w", .type = PK_FIELD_U64, .offset = hdr, .size = 4};
        EXPECT_REFUSED(&d, "field 'w' is 4 bytes, its type needs 8");
        field =
            (struct pk_field){.name = "x", .type = PK_FIELD_U8, .offset = 0xffffffff, .size = 1};
        EXPECT_REFUSED(&d, "ends past min_size");
        /* a fixed-size string must fit in the smallest sample too */
        field = (struct pk_field){.name = "s", .type = PK_FIELD_STR, .offset = hdr, .size = 32};
        EXPECT_REFUSED(&d, "field 's' (offset 56, size 32) ends past min_size 60");
        field =
            (struct pk_field){.name = "a", .type = PK_FIELD_U64_ARRAY, .offset = hdr, .size = 3};
        EXPECT_REFUSED(&d, "array field 'a' has size 3, not n * 8");
        /* found by fuzz_decode: the sinks read u64 elements in place */
        field = (struct pk_field){
            .name = "a", .type = PK_FIELD_U64_ARRAY, .offset = hdr + 4, .size = 8};
        EXPECT_REFUSED(&d, "array field 'a' at offset 60 is not 8-byte aligned");
        /* a type only made in user space declares no layout */
        field = (struct pk_field){.name = "n", .type = PK_FIELD_U32};
        event.flags = PK_EVENT_EMITTED;
        EXPECT_INT(0, check(&d));
        event.flags = 0;
        /* ... or it is a string to the sample's end that starts within it */
        field = (struct pk_field){.name = "s", .type = PK_FIELD_STR, .offset = hdr + 4, .size = 0};
        EXPECT_INT(0, check(&d));

        field = (struct pk_field){.name = "", .type = PK_FIELD_U8, .offset = hdr};
        EXPECT_REFUSED(&d, "field 0 has no name");
        field.name = "t";
        field.type = (enum pk_field_type)15;
        EXPECT_REFUSED(&d, "field 't' has unknown type 15");
        field.type = PK_FIELD_U8;
        field.flags = 1u << 7;
        EXPECT_REFUSED(&d, "field 't' has unknown flags 0x80");
        field.flags = 0;
        test_new_field_types(&d, &event, &field);
        event.fields = NULL;
        EXPECT_REFUSED(&d, "declares 1 fields but no field table");
        event.fields = &field;
        field.type = PK_FIELD_U8;
        event.name = "Ev";
        EXPECT_REFUSED(&d, "event type 0 has no valid name");
}

/* Check every descriptor member the host keeps past ABI 1.0 reads as zero. */
static bool tail_is_zero(const struct pk_plugin *desc, size_t from)
{
        const unsigned char *bytes = (const unsigned char *)desc;

        for (size_t i = from; i < sizeof(*desc); i++) {
                if (bytes[i])
                        return false;
        }
        return true;
}

static void test_set_add(void)
{
        struct plugin_set set = {0};
        const struct plugin_handle *h;
        struct pk_plugin *exact;
        struct {
                struct pk_plugin desc;
                unsigned char newer_members[32];
        } longer;

        EXPECT_INT(-EINVAL, plugin_set_add(&set, NULL, NULL, "x.so", why, sizeof(why)));
        EXPECT_STR("probekit_plugin() returned NULL", why);

        EXPECT_INT(0,
                   plugin_set_add(&set, &sample_alpha_probe, NULL, "built-in", why, sizeof(why)));
        EXPECT_INT(-EEXIST,
                   plugin_set_add(&set, &sample_alpha_probe, NULL, "again.so", why, sizeof(why)));
        EXPECT_STR("shadowed: plugin 'alpha' is loaded from built-in, which comes first", why);
        EXPECT_INT(1, set.n);

        /*
         * A descriptor of the smallest size this ABI major accepts, in a buffer
         * of exactly that size: the host copies struct_size bytes only (valgrind
         * or ASan would see more) and the rest of its copy reads as zero.
         */
        exact = malloc(DESC_SIZE_2_0);
        if (EXPECT(exact != NULL)) {
                memcpy(exact, &sample_beta_probe, DESC_SIZE_2_0);
                exact->struct_size = DESC_SIZE_2_0;
                EXPECT_INT(0, plugin_set_add(&set, exact, NULL, "old.so", why, sizeof(why)));
                free(exact);
        }
        h = plugin_set_find(&set, "beta");
        if (EXPECT(h != NULL)) {
                EXPECT_STR("old.so", h->path);
                EXPECT(h->desc.probe == sample_beta_probe.probe);
                EXPECT(tail_is_zero(&h->desc, DESC_SIZE_2_0));
                EXPECT(!h->attach_choices);
        }

        /* a longer descriptor: the host keeps the members it knows */
        memset(&longer, 0xff, sizeof(longer));
        longer.desc = sample_gamma_sink;
        longer.desc.struct_size = sizeof(longer);
        EXPECT_INT(0, plugin_set_add(&set, &longer.desc, NULL, "new.so", why, sizeof(why)));
        h = plugin_set_find(&set, "gamma");
        if (EXPECT(h != NULL))
                EXPECT_INT(0, memcmp(&h->desc, &longer.desc, sizeof(h->desc)));

        h = plugin_set_find(&set, "alpha");
        if (EXPECT(h && h->attach_choices)) {
                EXPECT_STR("auto", h->attach_choices[0]);
                EXPECT_STR("kprobe", h->attach_choices[1]);
                EXPECT_STR("fentry", h->attach_choices[2]);
                EXPECT_STR(NULL, h->attach_choices[3]);
                EXPECT_STR("attach", h->attach_option.key);
                EXPECT_STR("auto", h->attach_option.default_value);
        }
        EXPECT(!plugin_set_find(&set, "delta"));
        EXPECT_INT(3, set.n);
        plugin_set_free(&set);
}

struct refusals {
        char names[8][64];
        char reasons[8][512];
        size_t n;
};

static void on_refusal(const char *path, const char *reason, bool shadowed, void *ctx)
{
        struct refusals *r = ctx;

        EXPECT(shadowed == (strstr(path, "valid_copy.so") != NULL));
        const char *slash = strrchr(path, '/');

        if (!EXPECT(r->n < PK_COUNT(r->names)))
                return;
        snprintf(r->names[r->n], sizeof(r->names[0]), "%s", slash ? slash + 1 : path);
        snprintf(r->reasons[r->n], sizeof(r->reasons[0]), "%s", reason);
        r->n++;
}

static void test_load_dir(const char *dir)
{
        /* in the order of their names, as the loader tries them */
        static const char *const refused[][2] = {
            {"garbage.so", "cannot be loaded"},
            {"no_description.so", "missing member 'description'"},
            {"no_symbol.so", "not a probekit plugin: it exports no 'probekit_plugin' symbol"},
            {"valid_copy.so", "shadowed: plugin 'unit_plugin' is loaded from "},
            {"wrong_major.so", "majors differ"},
        };
        struct refusals r = {.n = 0};
        struct plugin_set set = {0};
        char valid_path[4096];
        const struct plugin_handle *h;

        EXPECT_INT(0, plugin_set_load_dir(&set, dir, on_refusal, &r));
        EXPECT_INT(1, set.n);
        EXPECT_INT(PK_COUNT(refused), set.refused);
        if (EXPECT_INT(PK_COUNT(refused), r.n)) {
                for (size_t i = 0; i < PK_COUNT(refused); i++) {
                        EXPECT_STR(refused[i][0], r.names[i]);
                        EXPECT_HAS(r.reasons[i], refused[i][1]);
                }
                EXPECT_HAS(r.reasons[0], "ldd");
                EXPECT_HAS(r.reasons[3], "/valid.so");
        }
        /* kept in the set too, for `probekit plugins` */
        if (EXPECT_INT(PK_COUNT(refused), set.n_refusals)) {
                EXPECT_HAS(set.refusals[3].path, "/valid_copy.so");
                EXPECT(set.refusals[3].shadowed);
                EXPECT(!set.refusals[4].shadowed);
                EXPECT_HAS(set.refusals[4].reason, "majors differ");
        }
        snprintf(valid_path, sizeof(valid_path), "%s/valid.so", dir);
        h = plugin_set_find(&set, "unit_plugin");
        if (EXPECT(h != NULL)) {
                EXPECT_STR(valid_path, h->path);
                EXPECT(h->dl != NULL);
                EXPECT_STR("loaded by the unit tests", h->desc.description);
        }
        plugin_set_free(&set);

        /* without a callback the refusals are still counted */
        EXPECT_INT(0, plugin_set_load_dir(&set, dir, NULL, NULL));
        EXPECT_INT(PK_COUNT(refused), set.refused);
        plugin_set_free(&set);

        EXPECT_INT(-ENOENT, plugin_set_load_dir(&set, "/nonexistent/probekit", NULL, NULL));
        EXPECT_INT(-ENOENT,
                   plugin_set_load_file(&set, "/nonexistent/probekit/x.so", why, sizeof(why)));
        EXPECT_HAS(why, "cannot be opened");
        EXPECT_INT(0, set.n);
        plugin_set_free(&set);
}

/* Copy `from` to `to` (a valid plugin to a place the test can make untrusted). */
static bool copy_file(const char *from, const char *to)
{
        char buf[65536];
        FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
        size_t n;
        bool ok = in && out;

        while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0)
                ok = fwrite(buf, 1, n, out) == n;
        if (in)
                fclose(in);
        if (out)
                fclose(out);
        return ok;
}

static void expect_load_refused(const char *path, int want_rc, const char *want)
{
        struct plugin_set set = {0};
        char why[512] = "";

        EXPECT_INT(want_rc, plugin_set_load_file(&set, path, why, sizeof(why)));
        EXPECT_HAS(why, want);
        EXPECT_INT(0, set.n);
        plugin_set_free(&set);
}

/*
 * A root daemon must not load code another user can write: the file, or a
 * directory above it, writable by group or others, or owned by someone else.
 * A FIFO named *.so is refused without blocking.
 */
static void test_untrusted_files(const char *dir)
{
        char tmp[] = "/tmp/pk-unit-trust-XXXXXX", valid[4096], copy[4200], sub[4200], fifo[4200];
        struct plugin_set set = {0};
        char why[512] = "";

        if (!EXPECT(mkdtemp(tmp) != NULL))
                return;
        snprintf(valid, sizeof(valid), "%s/valid.so", dir);
        snprintf(sub, sizeof(sub), "%s/plugins", tmp);
        snprintf(copy, sizeof(copy), "%s/plugins/copy.so", tmp);
        snprintf(fifo, sizeof(fifo), "%s/plugins/fifo.so", tmp);
        EXPECT_INT(0, mkdir(sub, 0755));
        if (!EXPECT(copy_file(valid, copy)))
                goto cleanup;
        EXPECT_INT(0, chmod(copy, 0644));
        EXPECT_INT(0, plugin_set_load_file(&set, copy, why, sizeof(why)));
        plugin_set_free(&set);

        EXPECT_INT(0, chmod(copy, 0666));
        expect_load_refused(copy, -EPERM, "can be written by everyone; fix: chmod go-w");
        EXPECT_INT(0, chmod(copy, 0664));
        expect_load_refused(copy, -EPERM, "can be written by its group");
        EXPECT_INT(0, chmod(copy, 0644));
        if (geteuid() == 0) {
                EXPECT_INT(0, chown(copy, 65534, 65534));
                expect_load_refused(copy, -EPERM, "belongs to uid 65534, not to root");
                EXPECT_INT(0, chown(copy, 0, 0));
        }
        /* the directory: others could replace the file in it */
        EXPECT_INT(0, chmod(sub, 0777));
        expect_load_refused(copy, -EPERM, "its directory");
        /* the sticky bit (like /tmp's) lets nobody replace what is not theirs */
        EXPECT_INT(0, chmod(sub, 01777));
        EXPECT_INT(0, plugin_set_load_file(&set, copy, why, sizeof(why)));
        plugin_set_free(&set);
        EXPECT_INT(0, chmod(sub, 0755));

        if (EXPECT_INT(0, mkfifo(fifo, 0600))) {
                expect_load_refused(fifo, -EINVAL, "not a regular file");
                /* in a directory scan too, without hanging */
                EXPECT_INT(0, plugin_set_load_dir(&set, sub, NULL, NULL));
                EXPECT_INT(1, set.refused);
                plugin_set_free(&set);
                unlink(fifo);
        }
cleanup:
        unlink(copy);
        rmdir(sub);
        rmdir(tmp);
}

int main(int argc, char **argv)
{
        test_valid_descriptors();
        test_abi_versions();
        test_missing_members();
        test_names();
        test_options();
        test_attach_modes();
        test_event_types();
        test_set_add();
        if (EXPECT(argc == 2)) {
                test_load_dir(argv[1]);
                test_untrusted_files(argv[1]);
        }
        return unit_finish();
}
