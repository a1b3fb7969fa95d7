// SPDX-License-Identifier: MIT
#include "loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode.h"
#include "plugin_trust.h"

#define REQUIRED_DESC_SIZE (offsetof(struct pk_plugin, validate) + sizeof(void *))

static bool name_is_valid(const char *name)
{
        if (!name || !*name || strlen(name) > 63)
                return false;
        for (const char *c = name; *c; c++) {
                if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
                        return false;
        }
        return true;
}

static bool key_is_reserved(const char *key)
{
        size_t n;
        const struct pk_option *core = core_probe_options(&n);

        if (!strcmp(key, "attach"))
                return true;
        for (size_t i = 0; i < n; i++) {
                if (!strcmp(core[i].key, key))
                        return true;
        }
        return false;
}

static int check_options(const struct pk_plugin *d, char *why, size_t len)
{
        if (d->n_options && !d->options) {
                snprintf(why, len, "declares %u options but no option table", d->n_options);
                return -EINVAL;
        }
        for (uint32_t i = 0; i < d->n_options; i++) {
                const struct pk_option *o = &d->options[i];

                if (!o->key || !*o->key) {
                        snprintf(why, len, "option %u has no key", i);
                        return -EINVAL;
                }
                if (o->type < PK_OPT_BOOL || o->type > PK_OPT_LIST) {
                        snprintf(why, len, "option '%s' has unknown type %d", o->key, (int)o->type);
                        return -EINVAL;
                }
                if (o->type == PK_OPT_ENUM && (!o->choices || !o->choices[0])) {
                        snprintf(why, len, "enum option '%s' has no choices", o->key);
                        return -EINVAL;
                }
                if (!o->help) {
                        snprintf(why, len, "option '%s' has no help text", o->key);
                        return -EINVAL;
                }
                if (d->kind == PK_KIND_PROBE && key_is_reserved(o->key)) {
                        snprintf(why, len, "option '%s' is declared by the core for every probe",
                                 o->key);
                        return -EINVAL;
                }
        }
        return 0;
}

/*
 * `plugins` and `info` print a plugin's version and description as they are:
 * no control byte (a terminal escape, a newline forging a line) may be in
 * them. UTF-8 text is fine.
 */
static bool text_is_printable(const char *text)
{
        for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
                if (*c < 0x20 || *c == 0x7f)
                        return false;
        }
        return true;
}

static bool type_is_integer(enum pk_field_type type)
{
        switch (type) {
        case PK_FIELD_U8:
        case PK_FIELD_U16:
        case PK_FIELD_U32:
        case PK_FIELD_U64:
        case PK_FIELD_S8:
        case PK_FIELD_S16:
        case PK_FIELD_S32:
        case PK_FIELD_S64:
                return true;
        default:
                return false;
        }
}

/* A names table the sinks can print: a known kind, every entry named in plain text. */
static int check_names(const struct pk_event_type *e, const struct pk_field *field, char *why,
                       size_t len)
{
        const struct pk_names *names = field->names;

        if (names->kind != PK_NAMES_ENUM && names->kind != PK_NAMES_FLAGS) {
                snprintf(why, len, "event '%s': field '%s' has names of unknown kind %d", e->name,
                         field->name, (int)names->kind);
                return -EINVAL;
        }
        if (!names->n_names || !names->names) {
                snprintf(why, len, "event '%s': field '%s' has an empty names table", e->name,
                         field->name);
                return -EINVAL;
        }
        for (uint32_t i = 0; i < names->n_names; i++) {
                const char *name = names->names[i].name;

                if (!name || !*name || !text_is_printable(name)) {
                        snprintf(why, len,
                                 "event '%s': field '%s': name %u is empty or holds "
                                 "control characters",
                                 e->name, field->name, i);
                        return -EINVAL;
                }
        }
        return 0;
}

/* Whether another field of `e` is called `<field>_name`, the key the json sink adds. */
static bool name_key_taken(const struct pk_event_type *e, const struct pk_field *field)
{
        size_t n = strlen(field->name);

        for (uint32_t f = 0; f < e->n_fields; f++) {
                const char *other = e->fields[f].name;

                if (other && !strncmp(other, field->name, n) && !strcmp(other + n, "_name"))
                        return true;
        }
        return false;
}

/* What a field says of itself, whatever the event's layout. */
static int check_field_meaning(const struct pk_event_type *e, const struct pk_field *field,
                               char *why, size_t len)
{
        /* an annotation of a btf_struct member: its type comes later, from BTF */
        bool from_btf = e->btf_struct && field->type == 0;
        const uint32_t integer_flags = PK_FIELD_ERRNO | PK_FIELD_SIGNAL | PK_FIELD_SYSCALL |
                                       PK_FIELD_NET_ORDER | PK_FIELD_HEX | PK_FIELD_DURATION;
        bool named =
            field->names || (field->flags & (PK_FIELD_ERRNO | PK_FIELD_SIGNAL | PK_FIELD_SYSCALL));

        if (!from_btf && (field->type < PK_FIELD_U8 || field->type > PK_FIELD_S16)) {
                snprintf(why, len, "event '%s': field '%s' has unknown type %d", e->name,
                         field->name, (int)field->type);
                return -EINVAL;
        }
        if (field->flags & ~(uint32_t)(integer_flags | PK_FIELD_ZERO_ABSENT)) {
                snprintf(why, len, "event '%s': field '%s' has unknown flags 0x%x", e->name,
                         field->name, field->flags);
                return -EINVAL;
        }
        if (!from_btf && (named || (field->flags & (PK_FIELD_NET_ORDER | PK_FIELD_DURATION))) &&
            !type_is_integer(field->type)) {
                snprintf(why, len,
                         "event '%s': field '%s': names, errno, signal, syscall, network order "
                         "and duration apply to integer fields only",
                         e->name, field->name);
                return -EINVAL;
        }
        if (field->names) {
                int rc = check_names(e, field, why, len);

                if (rc)
                        return rc;
        }
        if (named && name_key_taken(e, field)) {
                snprintf(why, len,
                         "event '%s': field '%s' is named, and another field is '%s_name', the "
                         "key its name is printed under",
                         e->name, field->name, field->name);
                return -EINVAL;
        }
        return 0;
}

/* Where a declarative field lies in the sample: inside every sample it can come in. */
static int check_field_layout(const struct pk_event_type *e, const struct pk_field *field,
                              char *why, size_t len)
{
        uint32_t width = decode_field_width(field->type);

        if (width && field->size != width) {
                snprintf(why, len, "event '%s': field '%s' is %u bytes, its type needs %u", e->name,
                         field->name, field->size, width);
                return -EINVAL;
        }
        if (field->type == PK_FIELD_U64_ARRAY && (field->size == 0 || field->size % 8)) {
                snprintf(why, len, "event '%s': array field '%s' has size %u, not n * 8", e->name,
                         field->name, field->size);
                return -EINVAL;
        }
        /* sinks read the elements in place: samples are 8-byte aligned, so must they be */
        if (field->type == PK_FIELD_U64_ARRAY && field->offset % 8) {
                snprintf(why, len,
                         "event '%s': array field '%s' at offset %u is not 8-byte aligned", e->name,
                         field->name, field->offset);
                return -EINVAL;
        }
        /* only a string (array) to the sample's end (size 0) may start at min_size */
        if ((uint64_t)field->offset + field->size > e->min_size) {
                snprintf(why, len,
                         "event '%s': field '%s' (offset %u, size %u) ends past min_size %u",
                         e->name, field->name, field->offset, field->size, e->min_size);
                return -EINVAL;
        }
        return 0;
}

/*
 * `resolved`: a btf_struct event's table as the host built it from BTF;
 * before that, only what the annotations say of themselves is checked.
 */
static int check_event_type(const struct pk_event_type *e, uint32_t index, bool resolved, char *why,
                            size_t len)
{
        uint32_t max = e->max_size ? e->max_size : e->min_size;
        bool layout = !e->btf_struct || resolved;

        if (!e->name || !name_is_valid(e->name)) {
                snprintf(why, len, "event type %u has no valid name", index);
                return -EINVAL;
        }
        if (layout && (e->min_size < sizeof(struct pk_event_header) || max < e->min_size)) {
                snprintf(why, len,
                         "event '%s': sizes [%u, %u] must start at sizeof(struct "
                         "pk_event_header) = %zu",
                         e->name, e->min_size, max, sizeof(struct pk_event_header));
                return -EINVAL;
        }
        if (e->n_fields && !e->fields) {
                snprintf(why, len, "event '%s' declares %u fields but no field table", e->name,
                         e->n_fields);
                return -EINVAL;
        }
        for (uint32_t f = 0; f < e->n_fields; f++) {
                const struct pk_field *field = &e->fields[f];
                int rc;

                if (!field->name || !*field->name) {
                        snprintf(why, len, "event '%s': field %u has no name", e->name, f);
                        return -EINVAL;
                }
                rc = check_field_meaning(e, field, why, len);
                /* computed (decode()) or emitted fields have no layout to check */
                if (!rc && layout && !e->decode && !(e->flags & PK_EVENT_EMITTED))
                        rc = check_field_layout(e, field, why, len);
                if (rc)
                        return rc;
        }
        return 0;
}

static int check_probe(const struct pk_plugin *d, char *why, size_t len)
{
        if (!d->probe) {
                snprintf(why, len, "missing member 'probe' (struct pk_probe_ops)");
                return -EINVAL;
        }
        if (!d->probe->bpf_object) {
                snprintf(why, len, "missing member 'probe->bpf_object'");
                return -EINVAL;
        }
        if (!d->events || !d->n_events) {
                snprintf(why, len, "missing member 'events' (a probe declares its event types)");
                return -EINVAL;
        }
        for (uint32_t i = 0; i < d->n_events; i++) {
                int rc = check_event_type(&d->events[i], i, false, why, len);

                if (rc)
                        return rc;
        }
        if (d->n_attach_modes && !d->attach_modes) {
                snprintf(why, len, "declares %u attach modes but no table", d->n_attach_modes);
                return -EINVAL;
        }
        for (uint32_t i = 0; i < d->n_attach_modes; i++) {
                const struct pk_attach_mode *m = &d->attach_modes[i];

                if (!name_is_valid(m->name) || !strcmp(m->name, "auto")) {
                        snprintf(why, len, "attach mode %u has no valid name", i);
                        return -EINVAL;
                }
                if (!m->programs || !m->programs[0]) {
                        snprintf(why, len, "attach mode '%s' lists no programs", m->name);
                        return -EINVAL;
                }
        }
        return 0;
}

static int check_sink(const struct pk_plugin *d, char *why, size_t len)
{
        const struct pk_sink_ops *s = d->sink;

        if (!s) {
                snprintf(why, len, "missing member 'sink' (struct pk_sink_ops)");
                return -EINVAL;
        }
        if (!s->open || !s->write || !s->flush || !s->close) {
                snprintf(why, len, "missing member 'sink->%s'",
                         !s->open    ? "open"
                         : !s->write ? "write"
                         : !s->flush ? "flush"
                                     : "close");
                return -EINVAL;
        }
        return 0;
}

int plugin_check_descriptor(const struct pk_plugin *d, char *why, size_t len)
{
        int rc;

        if (d->abi_major < PK_ABI_MAJOR) {
                /* the one line an out-of-tree plugin's author gets after the ABI break */
                snprintf(why, len,
                         "built against SDK %u (ABI %u.%u), this probekit has ABI %u.%u: "
                         "rebuild it against SDK %u (docs/writing-a-plugin.md, \"From ABI %u\")",
                         d->abi_major, d->abi_major, d->abi_minor, PK_ABI_MAJOR, PK_ABI_MINOR,
                         PK_ABI_MAJOR, d->abi_major);
                return -EINVAL;
        }
        if (d->abi_major != PK_ABI_MAJOR) {
                snprintf(why, len,
                         "built for ABI %u.%u, this probekit has ABI %u.%u (majors differ): "
                         "upgrade probekit, or rebuild the plugin against this probekit's SDK",
                         d->abi_major, d->abi_minor, PK_ABI_MAJOR, PK_ABI_MINOR);
                return -EINVAL;
        }
        if (d->abi_minor > PK_ABI_MINOR) {
                snprintf(why, len,
                         "built for ABI %u.%u, this probekit has ABI %u.%u: upgrade probekit or "
                         "build the plugin against an older SDK",
                         d->abi_major, d->abi_minor, PK_ABI_MAJOR, PK_ABI_MINOR);
                return -EINVAL;
        }
        if (d->struct_size < REQUIRED_DESC_SIZE) {
                snprintf(why, len, "descriptor is %u bytes, ABI %u.0 needs at least %zu",
                         d->struct_size, PK_ABI_MAJOR, REQUIRED_DESC_SIZE);
                return -EINVAL;
        }
        if (!d->name) {
                snprintf(why, len, "missing member 'name'");
                return -EINVAL;
        }
        if (!name_is_valid(d->name)) {
                snprintf(why, len, "name '%s' is not [a-z0-9_]+ (at most 63 bytes)", d->name);
                return -EINVAL;
        }
        if (!d->version || !*d->version) {
                snprintf(why, len, "missing member 'version'");
                return -EINVAL;
        }
        if (!d->description || !*d->description) {
                snprintf(why, len, "missing member 'description'");
                return -EINVAL;
        }
        if (!text_is_printable(d->version) || !text_is_printable(d->description)) {
                snprintf(why, len, "its version or description holds control characters");
                return -EINVAL;
        }
        rc = check_options(d, why, len);
        if (rc)
                return rc;
        if (d->kind == PK_KIND_PROBE)
                return check_probe(d, why, len);
        if (d->kind == PK_KIND_SINK)
                return check_sink(d, why, len);
        snprintf(why, len, "unknown plugin kind %d", (int)d->kind);
        return -EINVAL;
}

const struct plugin_handle *plugin_set_find(const struct plugin_set *set, const char *name)
{
        for (size_t i = 0; i < set->n; i++) {
                if (!strcmp(set->items[i].desc.name, name))
                        return &set->items[i];
        }
        return NULL;
}

/*
 * A probe's btf_struct events get the host's own tables, read from its BPF
 * object's BTF, then the checks every declared layout gets.
 */
static int resolve_btf_events(struct plugin_handle *h, char *why, size_t why_len)
{
        int rc;

        if (h->desc.kind != PK_KIND_PROBE)
                return 0;
        rc = btf_fields_resolve(&h->desc, &h->btf, why, why_len);
        if (rc || !h->btf.events)
                return rc;
        h->desc.events = h->btf.events;
        for (uint32_t i = 0; i < h->desc.n_events; i++) {
                if (!h->desc.events[i].btf_struct)
                        continue;
                rc = check_event_type(&h->desc.events[i], i, true, why, why_len);
                if (rc)
                        return rc;
        }
        return 0;
}

static int make_attach_option(struct plugin_handle *h)
{
        const struct pk_plugin *d = &h->desc;

        if (d->kind != PK_KIND_PROBE || !d->n_attach_modes)
                return 0;
        h->attach_choices = calloc(d->n_attach_modes + 2, sizeof(*h->attach_choices));
        if (!h->attach_choices)
                return -ENOMEM;
        h->attach_choices[0] = "auto";
        for (uint32_t i = 0; i < d->n_attach_modes; i++)
                h->attach_choices[i + 1] = d->attach_modes[i].name;
        h->attach_option = (struct pk_option){
            .key = "attach",
            .type = PK_OPT_ENUM,
            .default_value = "auto",
            .choices = h->attach_choices,
            .help = "How to attach: auto tries each mode in the plugin's order of "
                    "preference and uses the first that loads and attaches; naming a mode "
                    "forces it.",
        };
        return 0;
}

int plugin_set_add(struct plugin_set *set, const struct pk_plugin *desc, void *dl, const char *path,
                   char *why, size_t why_len)
{
        struct plugin_handle handle = {0}, *grown;
        const struct plugin_handle *other;
        size_t copy;
        int rc;

        if (!desc) {
                snprintf(why, why_len, "%s() returned NULL", PK_PLUGIN_SYMBOL);
                return -EINVAL;
        }
        rc = plugin_check_descriptor(desc, why, why_len);
        if (rc)
                return rc;
        other = plugin_set_find(set, desc->name);
        if (other) {
                snprintf(why, why_len, "shadowed: plugin '%s' is loaded from %s, which comes first",
                         desc->name, other->path);
                return -EEXIST;
        }
        /* an older plugin's descriptor is shorter: members past it read as zero */
        copy = desc->struct_size < sizeof(handle.desc) ? desc->struct_size : sizeof(handle.desc);
        memcpy(&handle.desc, desc, copy);
        handle.dl = dl;
        handle.path = strdup(path);
        if (!handle.path)
                return -ENOMEM;
        rc = resolve_btf_events(&handle, why, why_len);
        if (!rc)
                rc = make_attach_option(&handle);
        if (rc) {
                btf_fields_free(&handle.btf);
                free(handle.path);
                return rc;
        }
        grown = realloc(set->items, (set->n + 1) * sizeof(*grown));
        if (!grown) {
                btf_fields_free(&handle.btf);
                free(handle.path);
                free(handle.attach_choices);
                return -ENOMEM;
        }
        set->items = grown;
        set->items[set->n++] = handle;
        return 0;
}

int plugin_set_load_file(struct plugin_set *set, const char *path, char *why, size_t why_len)
{
        char load_name[4200];
        struct plugin_file_id id;
        struct stat st;
        pk_plugin_entry_fn entry;
        void *dl;
        int fd, rc;

        /*
         * Check the file and the directories above it before dlopen() runs
         * its constructors. Since no directory on the way can be written by
         * others, nobody else can swap the file between check and load.
         * O_NONBLOCK: a FIFO named x.so must not hang the open.
         */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0) {
                rc = -errno;
                snprintf(why, why_len, "cannot be opened: %s", strerror(-rc));
                return rc;
        }
        rc = plugin_file_trusted(fd, path, why, why_len);
        if (!rc)
                rc = fstat(fd, &st) ? -errno : 0;
        if (!rc) {
                plugin_file_id_from_stat(&st, &id);
                rc = plugin_load_name(fd, path, &id, load_name, sizeof(load_name));
                if (rc)
                        snprintf(why, why_len, "cannot be copied for loading: %s", strerror(-rc));
        }
        close(fd);
        if (rc)
                return rc;
        dl = dlopen(load_name, RTLD_NOW | RTLD_LOCAL);
        if (!dl) {
                snprintf(why, why_len, "cannot be loaded: %s (check its dependencies with ldd(1))",
                         dlerror());
                return -ENOEXEC;
        }
        *(void **)(&entry) = dlsym(dl, PK_PLUGIN_SYMBOL);
        if (!entry) {
                snprintf(why, why_len, "not a probekit plugin: it exports no '%s' symbol",
                         PK_PLUGIN_SYMBOL);
                dlclose(dl);
                return -ENOEXEC;
        }
        rc = plugin_set_add(set, entry(), dl, path, why, why_len);
        if (rc) {
                dlclose(dl);
                return rc;
        }
        set->items[set->n - 1].file = id;
        return 0;
}

static int compare_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_so_suffix(const char *name)
{
        size_t len = strlen(name);

        return len > 3 && !strcmp(name + len - 3, ".so");
}

/* Best effort: a refusal that cannot be kept is still logged by the caller. */
static void keep_refusal(struct plugin_set *set, const char *path, const char *why, bool shadowed)
{
        struct plugin_refusal *grown =
            realloc(set->refusals, (set->n_refusals + 1) * sizeof(*grown));

        if (!grown)
                return;
        set->refusals = grown;
        grown[set->n_refusals] = (struct plugin_refusal){strdup(path), strdup(why), shadowed};
        if (grown[set->n_refusals].path && grown[set->n_refusals].reason) {
                set->n_refusals++;
                return;
        }
        free(grown[set->n_refusals].path);
        free(grown[set->n_refusals].reason);
}

int plugin_set_load_dir(struct plugin_set *set, const char *dir, plugin_refusal_fn on_refusal,
                        void *ctx)
{
        struct dirent *entry;
        char **names = NULL;
        size_t n = 0;
        int rc = 0;
        DIR *d;

        d = opendir(dir);
        if (!d)
                return -errno;
        while ((entry = readdir(d))) {
                char **grown;

                if (!has_so_suffix(entry->d_name))
                        continue;
                grown = realloc(names, (n + 1) * sizeof(*grown));
                if (!grown) {
                        rc = -ENOMEM;
                        goto cleanup;
                }
                names = grown;
                names[n] = strdup(entry->d_name);
                if (!names[n]) {
                        rc = -ENOMEM;
                        goto cleanup;
                }
                n++;
        }
        qsort(names, n, sizeof(*names), compare_names);
        for (size_t i = 0; i < n; i++) {
                char path[4096], why[512];
                int err;

                snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
                err = plugin_set_load_file(set, path, why, sizeof(why));
                if (err) {
                        set->refused++;
                        keep_refusal(set, path, why, err == -EEXIST);
                        if (on_refusal)
                                on_refusal(path, why, err == -EEXIST, ctx);
                }
        }
cleanup:
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        closedir(d);
        return rc;
}

void plugin_set_free(struct plugin_set *set)
{
        for (size_t i = 0; i < set->n; i++) {
                free(set->items[i].path);
                free(set->items[i].attach_choices);
                btf_fields_free(&set->items[i].btf);
                /* plugins stay mapped until exit: records may still point into them */
        }
        free(set->items);
        for (size_t i = 0; i < set->n_refusals; i++) {
                free(set->refusals[i].path);
                free(set->refusals[i].reason);
        }
        free(set->refusals);
        memset(set, 0, sizeof(*set));
}
