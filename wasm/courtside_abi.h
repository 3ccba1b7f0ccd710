/* courtside_abi.h: the narrow ABI both wasm modules export (clang + wasi-libc
 * and Emscripten). The host copies a command (JSON, see docs/PROTOCOL.md)
 * into the input buffer, calls cs_run with its length and reads the output
 * (JSON) from the output buffer. One module instance holds one facility.
 *
 * The modules import nothing. A trap (an assertion failure inside the core)
 * leaves the instance unusable: the host drops it and rebuilds the state in
 * a new instance by replaying its log. */
#ifndef CS_ABI_H
#define CS_ABI_H

#include <stdint.h>

#define CS_ABI_VERSION 2u

#define CS_EXPORT(name) __attribute__((visibility("default"), used, export_name(#name)))

/* The version of this ABI (2: snapshots and the state hash). */
uint32_t cs_abi_version(void);
/* The input buffer, cs_input_max() bytes long. */
uint8_t *cs_input(void);
uint32_t cs_input_max(void);
/* Runs the command of `length` bytes in the input buffer. Returns the
 * length of the output, always a JSON object; never 0. */
uint32_t cs_run(uint32_t length);
/* The output of the last cs_run, valid until the next call. */
uint8_t *cs_output(void);
/* Forgets everything: the instance is as new. */
void cs_reset(void);
/* Writes a snapshot of the facility (core/snapshot.h) to the output buffer;
 * returns its length, or 0 when it does not fit (keep the log then). */
uint32_t cs_snapshot_write(void);
/* Replaces the facility with the snapshot of `length` bytes the host put in
 * the output buffer. Returns 1, or 0 for a malformed snapshot (the facility
 * is then as new). */
uint32_t cs_snapshot_restore(uint32_t length);
/* The 64-bit hash of the facility's durable state. */
uint64_t cs_state_hash_value(void);

#endif
