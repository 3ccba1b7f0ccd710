/* fuzz_command.c: libFuzzer target on the core's one entry point. An input
 * is a list of commands, one per line (as in tests/vectors), run against a
 * fresh facility, so the fuzzer can build state and then poke at it. Every
 * output must be a JSON object of the protocol's shape, and a snapshot of
 * whatever state results must restore to the same state hash. Sanitizers
 * (ASan, UBSan) catch the rest. */
#include <stdlib.h>
#include <string.h>

#include "courtside.h"
#include "snapshot.h"

enum { COMMANDS_MAX = 32 };

static void require(int condition) {
    if (!condition) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static cs_facility *facility, *restored;
    static uint8_t *output;
    if (facility == NULL) {
        facility = malloc(sizeof *facility);
        restored = malloc(sizeof *restored);
        output = malloc(CS_OUTPUT_MAX);
        require(facility != NULL && restored != NULL && output != NULL);
    }
    cs_facility_init(facility);
    size_t start = 0;
    for (int commands = 0; start < size && commands < COMMANDS_MAX;) {
        const uint8_t *newline = memchr(data + start, '\n', size - start);
        size_t end = newline != NULL ? (size_t)(newline - data) : size;
        if (end > start && data[start] != '#') {
            size_t n = cs_execute(facility, data + start, end - start, output, CS_OUTPUT_MAX);
            require(n > 0 && n <= CS_OUTPUT_MAX && output[0] == '{' && output[n - 1] == '}');
            require(json_utf8_valid(output, n));
            require(memcmp(output, "{\"status\":", 10) == 0);
            commands++;
        }
        start = end + 1;
    }
    size_t n = cs_snapshot(facility, output, CS_OUTPUT_MAX);
    require(n > 0 && cs_restore(restored, output, n));
    require(cs_state_hash(restored) == cs_state_hash(facility));
    return 0;
}
