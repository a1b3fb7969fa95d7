// SPDX-License-Identifier: MIT
/*
 * Setting a BPF object's `const volatile` globals by name before load. The
 * skeleton would give typed access, but the core handles plugins it was not
 * compiled with, so it finds the variable in the object's BTF instead.
 */
#include "instance.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

/* Internal maps are named "<object prefix>.<section>"; return ".<section>". */
static const char *map_section(const struct bpf_map *map)
{
        const char *dot = strchr(bpf_map__name(map), '.');

        return dot ? dot : "";
}

static int find_global(struct bpf_object *obj, const char *name, void **addr, size_t *size)
{
        const struct btf *btf = bpf_object__btf(obj);
        struct bpf_map *map;

        if (!btf)
                return -ENOENT;
        bpf_object__for_each_map(map, obj)
        {
                const struct btf_var_secinfo *var;
                const struct btf_type *sec;
                size_t map_size;
                void *data;
                int sec_id;

                if (!bpf_map__is_internal(map))
                        continue;
                sec_id = btf__find_by_name_kind(btf, map_section(map), BTF_KIND_DATASEC);
                if (sec_id < 0)
                        continue;
                sec = btf__type_by_id(btf, sec_id);
                var = btf_var_secinfos(sec);
                for (int i = 0; i < btf_vlen(sec); i++, var++) {
                        const struct btf_type *t = btf__type_by_id(btf, var->type);

                        if (strcmp(btf__name_by_offset(btf, t->name_off), name))
                                continue;
                        /* writable until load, though libbpf 1.1 returns it const */
                        data = (void *)bpf_map__initial_value(map, &map_size);
                        if (!data || var->offset + var->size > map_size)
                                return -EINVAL;
                        *addr = (char *)data + var->offset;
                        *size = var->size;
                        return 0;
                }
        }
        return -ENOENT;
}

int bpf_global_set(struct bpf_object *obj, const char *name, const void *value, size_t size,
                   char *why, size_t why_len)
{
        size_t var_size;
        void *addr;
        int rc = find_global(obj, name, &addr, &var_size);

        if (rc) {
                snprintf(why, why_len, "BPF global '%s' not found in the object's data sections",
                         name);
                return rc;
        }
        if (var_size != size) {
                snprintf(why, why_len, "BPF global '%s' is %zu bytes, the value %zu", name,
                         var_size, size);
                return -EINVAL;
        }
        memcpy(addr, value, size);
        return 0;
}

/* Store an integer in a variable of 1, 2, 4 or 8 bytes, refusing what does not fit. */
static int set_integer(void *addr, size_t size, int64_t value)
{
        switch (size) {
        case 1:
                if (value < -128 || value > 255)
                        return -ERANGE;
                *(uint8_t *)addr = (uint8_t)value;
                return 0;
        case 2:
                if (value < -32768 || value > 65535)
                        return -ERANGE;
                *(uint16_t *)addr = (uint16_t)value;
                return 0;
        case 4:
                if (value < INT32_MIN || value > (int64_t)UINT32_MAX)
                        return -ERANGE;
                *(uint32_t *)addr = (uint32_t)value;
                return 0;
        case 8:
                *(uint64_t *)addr = (uint64_t)value;
                return 0;
        }
        return -EINVAL;
}

int bpf_global_set_option(struct bpf_object *obj, const struct pk_option *decl,
                          const struct option_value *value, char *why, size_t why_len)
{
        const char *name = decl->bpf_global;
        size_t size;
        void *addr;
        int rc;

        if (!value->set)
                return 0;
        rc = find_global(obj, name, &addr, &size);
        if (rc) {
                snprintf(why, why_len, "option '%s': BPF global '%s' not found", decl->key, name);
                return rc;
        }
        switch (decl->type) {
        case PK_OPT_BOOL:
                rc = set_integer(addr, size, value->b);
                break;
        case PK_OPT_INT:
                rc = set_integer(addr, size, value->i);
                break;
        case PK_OPT_ENUM:
                rc = set_integer(addr, size, value->choice);
                break;
        case PK_OPT_STRING:
                if (strlen(value->s) >= size) {
                        rc = -ERANGE;
                        break;
                }
                memset(addr, 0, size);
                memcpy(addr, value->s, strlen(value->s));
                break;
        default:
                rc = -EINVAL;
                break;
        }
        if (rc)
                snprintf(why, why_len, "option '%s' does not fit BPF global '%s' (%zu bytes)",
                         decl->key, name, size);
        return rc;
}
