/*
 * A fuzz harness: one LLVMFuzzerTestOneInput per file.  Linked with
 * libFuzzer for `make fuzz`, with replay.c for `make check`, which runs
 * the corpus and every past crasher through it.
 */
#ifndef CGW_FUZZ_H
#define CGW_FUZZ_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (malloc'd): a parser's view of a line or a file. */
char *fuzz_str(const uint8_t *data, size_t size);
/* A memfd holding the input, and its path (/proc/self/fd/N): for parsers that open a file. */
int fuzz_file(const uint8_t *data, size_t size, char *path, size_t len);

#endif
