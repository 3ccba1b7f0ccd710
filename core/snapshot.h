/* snapshot.h: the facility's durable state as bytes, and its hash. A
 * snapshot lets a host restore a facility without replaying its whole log;
 * the hash proves two states are the same (live vs restored vs replayed).
 *
 * Format, version 1, every integer little-endian, every string a length
 * byte then its bytes, tables as a count then rows with their row index
 * (rows keep their places, since lookups scan in index order):
 *   "CSNP" u32 version, u64 seq, i64 now, config, reservations,
 *   idempotency keys, members, blocks, waitlist counts and entries.
 * The time zone is stored as its rule text and parsed again on restore. */
#ifndef CS_SNAPSHOT_H
#define CS_SNAPSHOT_H

#include "courtside.h"

#define CS_SNAPSHOT_VERSION 4u

/* The configuration's part is at most this long. */
#define CS_SNAPSHOT_CONFIG_MAX (64 * 1024)

/* Writes the snapshot to `out` and returns its length, or 0 when it does
 * not fit in `cap`: a facility with nearly every table full and the longest
 * ids everywhere can outgrow CS_OUTPUT_MAX, and then keeps its log instead.
 * `cap` is at least CS_SNAPSHOT_CONFIG_MAX. */
size_t cs_snapshot(const cs_facility *f, uint8_t *out, size_t cap);
/* Replaces the state of `f` with a snapshot. On a malformed snapshot returns
 * false and leaves `f` as new (cs_facility_init). */
bool cs_restore(cs_facility *f, const uint8_t *in, size_t length);

/* The configuration's part of a snapshot (cap >= CS_SNAPSHOT_CONFIG_MAX):
 * two configurations are the same exactly when their encodings are. */
size_t cs_config_encode(const cs_config *c, uint8_t *out, size_t cap);

/* 64-bit FNV-1a over the snapshot bytes, computed without storing them. */
uint64_t cs_state_hash(const cs_facility *f);

#endif
