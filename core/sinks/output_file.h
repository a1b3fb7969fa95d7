/* SPDX-License-Identifier: MIT */
/*
 * Opening a sink's output file: created if absent, always appended to (a
 * copytruncate rotation then leaves no hole of NUL bytes), and locked so
 * that a second writer (another probekit given the same file) is refused
 * before it can touch the file.
 */
#ifndef PROBEKIT_SINKS_OUTPUT_FILE_H
#define PROBEKIT_SINKS_OUTPUT_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* NULL, "" and "-" name standard output. */
bool output_is_stdout(const char *path);

/*
 * Opens path for appending, locks it (flock, exclusive) when it is a regular
 * file, and empties it when `truncate` (after the lock: never another's
 * file). Returns the descriptor, or -errno: -EBUSY when another process
 * holds the lock. *regular says whether it is a regular file.
 */
int output_file_open(const char *path, bool truncate, bool *regular);

/*
 * Whether path could be opened as an output, without creating or changing
 * anything: its directory exists and is writable, and the path is absent or
 * a regular file (or a FIFO or character device) that can be written.
 * 0, or -errno with a sentence in why.
 */
int output_file_check(const char *path, char *why, size_t why_len);

#endif /* PROBEKIT_SINKS_OUTPUT_FILE_H */
