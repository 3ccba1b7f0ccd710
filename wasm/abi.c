/* abi.c: the wasm module's exports (wasm/courtside_abi.h) over the core.
 * One instance holds one facility, statically allocated together with the
 * input and output buffers, so the module needs no allocator and imports
 * nothing. Static storage starts zeroed, which is cs_facility_init's state. */
#include "courtside.h"
#include "courtside_abi.h"
#include "snapshot.h"

static cs_facility facility;
static uint8_t input[CS_INPUT_MAX];
static uint8_t output[CS_OUTPUT_MAX];

CS_EXPORT(cs_abi_version) uint32_t cs_abi_version(void) { return CS_ABI_VERSION; }

CS_EXPORT(cs_input) uint8_t *cs_input(void) { return input; }

CS_EXPORT(cs_input_max) uint32_t cs_input_max(void) { return CS_INPUT_MAX; }

CS_EXPORT(cs_output) uint8_t *cs_output(void) { return output; }

CS_EXPORT(cs_run) uint32_t cs_run(uint32_t length) {
    if (length > CS_INPUT_MAX) __builtin_trap(); /* the host checks first */
    return (uint32_t)cs_execute(&facility, input, length, output, CS_OUTPUT_MAX);
}

CS_EXPORT(cs_reset) void cs_reset(void) { cs_facility_init(&facility); }

CS_EXPORT(cs_snapshot_write) uint32_t cs_snapshot_write(void) {
    return (uint32_t)cs_snapshot(&facility, output, CS_OUTPUT_MAX);
}

CS_EXPORT(cs_snapshot_restore) uint32_t cs_snapshot_restore(uint32_t length) {
    if (length > CS_OUTPUT_MAX) __builtin_trap(); /* the host checks first */
    return cs_restore(&facility, output, length) ? 1u : 0u;
}

CS_EXPORT(cs_state_hash_value) uint64_t cs_state_hash_value(void) { return cs_state_hash(&facility); }
