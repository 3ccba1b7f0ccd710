/* cli.c: the native command-line driver. Reads commands from stdin, one per
 * line (blank lines and lines starting with '#' are skipped), runs each
 * against one facility and writes each output on its own line. The wasm
 * driver (glue/cli.mjs) behaves the same, so one vector runner tests both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "courtside.h"

/* Reads all of stdin; returns NULL on failure. */
static char *read_all(FILE *in, size_t *length) {
    size_t cap = 1 << 16, len = 0;
    char *data = malloc(cap);
    while (data != NULL) {
        len += fread(data + len, 1, cap - len, in);
        if (len < cap) break;
        char *bigger = realloc(data, cap * 2);
        if (bigger == NULL) free(data);
        data = bigger;
        cap *= 2;
    }
    if (data != NULL && ferror(in)) {
        free(data);
        data = NULL;
    }
    *length = len;
    return data;
}

int main(void) {
    size_t length;
    char *input = read_all(stdin, &length);
    cs_facility *facility = malloc(sizeof *facility);
    uint8_t *output = malloc(CS_OUTPUT_MAX);
    if (input == NULL || facility == NULL || output == NULL) {
        fprintf(stderr, "courtside-cli: cannot read input or allocate memory\n");
        return 1;
    }
    cs_facility_init(facility);
    for (size_t start = 0; start < length;) {
        char *newline = memchr(input + start, '\n', length - start);
        size_t end = newline != NULL ? (size_t)(newline - input) : length;
        size_t line_length = end - start;
        if (line_length > 0 && input[start] != '#') {
            size_t n = cs_execute(facility, (const uint8_t *)input + start, line_length, output, CS_OUTPUT_MAX);
            fwrite(output, 1, n, stdout);
            fputc('\n', stdout);
        }
        start = end + 1;
    }
    free(output);
    free(facility);
    free(input);
    return fflush(stdout) == 0 ? 0 : 1;
}
