// SPDX-License-Identifier: MIT
/*
 * ELF symbol lookup with libelf: no ldd, no shelling out.
 *
 * readline_internal_teardown is preferred: it returns the finished line, and
 * a bash already waiting at its prompt when the probe attaches enters it only
 * after the line is typed, so that first line is seen too. A uretprobe on
 * readline itself misses it (readline was entered before the attach).
 */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC, stat */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "readline_target.h"

static const char *const readline_functions[] = {"readline_internal_teardown", "readline"};

/* Where the dynamic loader usually finds libreadline on Debian and others. */
static const char *const library_dirs[] = {
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu",
    "/lib64",
    "/usr/lib64",
    "/lib",
    "/usr/lib",
    "/usr/local/lib",
};

struct elf_file {
        int fd;
        Elf *elf;
};

static int elf_file_open(const char *path, struct elf_file *file, char *reason, size_t size)
{
        file->elf = NULL;
        file->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (file->fd < 0) {
                int err = -errno;

                snprintf(reason, size, "%s: %s", path, strerror(errno));
                return err;
        }
        if (elf_version(EV_CURRENT) == EV_NONE)
                goto not_elf;
        file->elf = elf_begin(file->fd, ELF_C_READ, NULL);
        if (!file->elf || elf_kind(file->elf) != ELF_K_ELF)
                goto not_elf;
        return 0;
not_elf:
        snprintf(reason, size, "%s: not an ELF file", path);
        if (file->elf)
                elf_end(file->elf);
        close(file->fd);
        return -ENOEXEC;
}

static void elf_file_close(struct elf_file *file)
{
        elf_end(file->elf);
        close(file->fd);
}

/* The address of a defined function `name` in .symtab or .dynsym; 0 if none. */
static uint64_t symbol_address(Elf *elf, const char *name)
{
        Elf_Scn *scn = NULL;

        while ((scn = elf_nextscn(elf, scn))) {
                GElf_Shdr shdr;
                Elf_Data *data;

                if (!gelf_getshdr(scn, &shdr) ||
                    (shdr.sh_type != SHT_SYMTAB && shdr.sh_type != SHT_DYNSYM) ||
                    !shdr.sh_entsize || !(data = elf_getdata(scn, NULL)))
                        continue;
                for (size_t i = 0; i < shdr.sh_size / shdr.sh_entsize; i++) {
                        GElf_Sym sym;
                        const char *sym_name;

                        if (!gelf_getsym(data, (int)i, &sym) ||
                            GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
                            !sym.st_value)
                                continue;
                        sym_name = elf_strptr(elf, shdr.sh_link, sym.st_name);
                        if (sym_name && strcmp(sym_name, name) == 0)
                                return sym.st_value;
                }
        }
        return 0;
}

/* Virtual address to file offset, through the executable segment holding it. */
static int address_to_offset(Elf *elf, uint64_t addr, uint64_t *offset)
{
        size_t n;

        if (elf_getphdrnum(elf, &n))
                return -ENOEXEC;
        for (size_t i = 0; i < n; i++) {
                GElf_Phdr phdr;

                if (!gelf_getphdr(elf, (int)i, &phdr) || phdr.p_type != PT_LOAD ||
                    !(phdr.p_flags & PF_X))
                        continue;
                if (addr >= phdr.p_vaddr && addr < phdr.p_vaddr + phdr.p_memsz) {
                        *offset = addr - phdr.p_vaddr + phdr.p_offset;
                        return 0;
                }
        }
        return -ENOEXEC;
}

/* The first readline function defined in `elf`; fills function and offset. */
static bool find_function(Elf *elf, struct readline_target *target)
{
        for (size_t i = 0; i < sizeof(readline_functions) / sizeof(readline_functions[0]); i++) {
                uint64_t addr = symbol_address(elf, readline_functions[i]);

                if (addr && address_to_offset(elf, addr, &target->offset) == 0) {
                        target->function = readline_functions[i];
                        return true;
                }
        }
        return false;
}

/* The DT_NEEDED entry naming libreadline.so*, or NULL. */
static const char *needed_readline(Elf *elf)
{
        Elf_Scn *scn = NULL;

        while ((scn = elf_nextscn(elf, scn))) {
                GElf_Shdr shdr;
                Elf_Data *data;

                if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_DYNAMIC || !shdr.sh_entsize ||
                    !(data = elf_getdata(scn, NULL)))
                        continue;
                for (size_t i = 0; i < shdr.sh_size / shdr.sh_entsize; i++) {
                        GElf_Dyn dyn;
                        const char *name;

                        if (!gelf_getdyn(data, (int)i, &dyn) || dyn.d_tag != DT_NEEDED)
                                continue;
                        name = elf_strptr(elf, shdr.sh_link, dyn.d_un.d_val);
                        if (name && strncmp(name, "libreadline.so", strlen("libreadline.so")) == 0)
                                return name;
                }
        }
        return NULL;
}

static int resolve_library(const char *name, char *path, size_t size)
{
        for (size_t i = 0; i < sizeof(library_dirs) / sizeof(library_dirs[0]); i++) {
                int n = snprintf(path, size, "%s/%s", library_dirs[i], name);

                if (n > 0 && (size_t)n < size && access(path, R_OK) == 0)
                        return 0;
        }
        return -ENOENT;
}

static int find_in_library(Elf *binary_elf, const char *binary, struct readline_target *target,
                           char *reason, size_t reason_size)
{
        const char *needed = needed_readline(binary_elf);
        struct elf_file lib;
        int err;

        if (!needed) {
                snprintf(reason, reason_size,
                         "%s: no readline function, and it does not link libreadline", binary);
                return -ENOENT;
        }
        if (resolve_library(needed, target->path, sizeof(target->path))) {
                snprintf(reason, reason_size, "%s: needs %s, not found in the library directories",
                         binary, needed);
                return -ENOENT;
        }
        err = elf_file_open(target->path, &lib, reason, reason_size);
        if (err)
                return err;
        if (!find_function(lib.elf, target)) {
                snprintf(reason, reason_size, "%s: no readline function in %s", binary,
                         target->path);
                err = -ENOENT;
        }
        elf_file_close(&lib);
        return err;
}

int readline_target_find(const char *binary, struct readline_target *target, char *reason,
                         size_t reason_size)
{
        struct elf_file file;
        int err;

        if (snprintf(target->path, sizeof(target->path), "%s", binary) >=
            (int)sizeof(target->path)) {
                snprintf(reason, reason_size, "path too long");
                return -ENAMETOOLONG;
        }
        err = elf_file_open(binary, &file, reason, reason_size);
        if (err)
                return err;
        if (!find_function(file.elf, target))
                err = find_in_library(file.elf, binary, target, reason, reason_size);
        elf_file_close(&file);
        return err;
}
