// SPDX-License-Identifier: MIT
#include "plugin_copy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* One path loaded before: the file it held then and the name it was loaded under. */
struct loaded_path {
        char *path;
        struct plugin_file_id id;
        char name[64 + 4096];
};

static struct loaded_path *loaded;
static size_t n_loaded;

void plugin_file_id_from_stat(const struct stat *st, struct plugin_file_id *id)
{
        id->dev = st->st_dev;
        id->ino = st->st_ino;
        id->size = st->st_size;
        id->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

bool plugin_file_id_equal(const struct plugin_file_id *a, const struct plugin_file_id *b)
{
        return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
               a->mtime_ns == b->mtime_ns;
}

/* Copy the file into a memfd that stays open (the loaded copy is mapped from it). */
static int copy_to_memfd(int fd, const char *path, char *name, size_t name_len)
{
        char buf[65536];
        off_t offset = 0;
        int memfd = memfd_create("probekit-plugin", MFD_CLOEXEC);

        if (memfd < 0)
                return -errno;
        for (;;) {
                ssize_t n = pread(fd, buf, sizeof(buf), offset);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int rc = -errno;

                        close(memfd);
                        return rc;
                }
                if (!n)
                        break;
                if (write(memfd, buf, (size_t)n) != n) {
                        close(memfd);
                        return -EIO;
                }
                offset += n;
        }
        (void)path;
        snprintf(name, name_len, "/proc/self/fd/%d", memfd);
        return 0;
}

static struct loaded_path *find_loaded(const char *path)
{
        for (size_t i = 0; i < n_loaded; i++) {
                if (!strcmp(loaded[i].path, path))
                        return &loaded[i];
        }
        return NULL;
}

int plugin_load_name(int fd, const char *path, const struct plugin_file_id *id, char *name,
                     size_t name_len)
{
        struct loaded_path *entry = find_loaded(path), *grown;
        int rc;

        if (entry && plugin_file_id_equal(&entry->id, id)) {
                snprintf(name, name_len, "%s", entry->name);
                return 0;
        }
        if (!entry) {
                grown = realloc(loaded, (n_loaded + 1) * sizeof(*grown));
                if (!grown)
                        return -ENOMEM;
                loaded = grown;
                entry = &loaded[n_loaded];
                entry->path = strdup(path);
                if (!entry->path)
                        return -ENOMEM;
                n_loaded++;
                snprintf(entry->name, sizeof(entry->name), "%s", path);
        } else {
                /* changed since it was loaded: dlopen(path) would give the old code back */
                rc = copy_to_memfd(fd, path, entry->name, sizeof(entry->name));
                if (rc)
                        return rc;
        }
        entry->id = *id;
        snprintf(name, name_len, "%s", entry->name);
        return 0;
}
