/* SPDX-License-Identifier: MIT */
/*
 * Loading a plugin file that changed on disk since it was loaded. dlopen()
 * of a path it has loaded already returns the old handle (and the old
 * code), even when the file was replaced: so a changed file is copied into
 * a memfd and that copy is loaded, under a name of its own. Which file each
 * path held when it was loaded is kept for the life of the process.
 */
#ifndef PK_CORE_PLUGIN_COPY_H
#define PK_CORE_PLUGIN_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Which file a plugin came from, as it was when loaded (all zero for built-ins). */
struct plugin_file_id {
        uint64_t dev, ino;
        int64_t size;
        int64_t mtime_ns;
};

void plugin_file_id_from_stat(const struct stat *st, struct plugin_file_id *id);
bool plugin_file_id_equal(const struct plugin_file_id *a, const struct plugin_file_id *b);

/*
 * The name to dlopen() for the checked, opened file `fd` found at `path`:
 * `path` itself the first time, the name used before when the file is the
 * same as then, or a new memfd copy ("/proc/self/fd/N") when it changed.
 * 0 or -errno.
 */
int plugin_load_name(int fd, const char *path, const struct plugin_file_id *id, char *name,
                     size_t name_len);

#endif
