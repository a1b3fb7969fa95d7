// SPDX-License-Identifier: MIT
/*
 * Without libFuzzer (gcc, the default build): a main() that feeds every file
 * of the given directories to LLVMFuzzerTestOneInput() once. The seed corpus
 * then runs as a plain unit test in every build, so a target that no longer
 * compiles, or a seed that crashes again, is caught without clang.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        uint8_t *data = NULL;
        long size;

        if (!f)
                return -1;
        if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
                goto fail;
        data = malloc((size_t)size + 1);
        if (!data || fread(data, 1, (size_t)size, f) != (size_t)size)
                goto fail;
        fclose(f);
        LLVMFuzzerTestOneInput(data, (size_t)size);
        free(data);
        return 0;
fail:
        free(data);
        fclose(f);
        return -1;
}

int main(int argc, char **argv)
{
        int files = 0;

        for (int i = 1; i < argc; i++) {
                DIR *d = opendir(argv[i]);
                struct dirent *e;

                if (!d) {
                        fprintf(stderr, "%s: cannot open\n", argv[i]);
                        return 1;
                }
                while ((e = readdir(d))) {
                        char path[4096];

                        if (e->d_name[0] == '.')
                                continue;
                        snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
                        if (replay_file(path)) {
                                fprintf(stderr, "%s: cannot read\n", path);
                                closedir(d);
                                return 1;
                        }
                        files++;
                }
                closedir(d);
        }
        printf("%d passed, 0 failed\n", files);
        return files ? 0 : 1;
}
