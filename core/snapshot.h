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

#define CS_SNAPSHOT_VERSION 3u

/* The largest snapshot: every table full, every string at its longest. */
#define CS_SNAPSHOT_REMINDER_RULES (2 + 4 * CS_REMINDER_OFFSETS_MAX + 4 + 2 + 2 + 4)
#define CS_SNAPSHOT_ROW_RESERVATION \
    (4 + 1 + 1 + 2 + 4 + 5 * 8 + 2 + 1 + 1 + 2 + 8 + CS_SNAPSHOT_REMINDER_RULES + 2 * (1 + CS_ID_MAX))
#define CS_SNAPSHOT_ROW_ENTRY (4 + 3 + 3 * 2 + 1 + 8 + 5 * 8 + CS_OFFERED_MAX * 9 + 3 * (1 + CS_ID_MAX))
#define CS_SNAPSHOT_ROW_KEY (4 + 1 + 4 * 8 + 3 * (1 + CS_ID_MAX))
#define CS_SNAPSHOT_ROW_MEMBER (4 + 1 + 4 + 4 + 1 + CS_ID_MAX)
#define CS_SNAPSHOT_ROW_BLOCK (4 + 1 + 2 * 8 + 1 + CS_ID_MAX + 1 + CS_REASON_MAX)
#define CS_SNAPSHOT_CONFIG_MAX (64 * 1024)
#define CS_SNAPSHOT_MAX                                                                                   \
    (64 + CS_SNAPSHOT_CONFIG_MAX + CS_RESERVATIONS_MAX * CS_SNAPSHOT_ROW_RESERVATION +                 \
     CS_IDEMPOTENCY_KEYS_MAX * CS_SNAPSHOT_ROW_KEY + CS_MEMBERS_MAX * CS_SNAPSHOT_ROW_MEMBER +          \
     CS_BLOCKS_MAX * CS_SNAPSHOT_ROW_BLOCK + 64 + CS_WAITLIST_MAX * CS_SNAPSHOT_ROW_ENTRY)

_Static_assert(CS_SNAPSHOT_MAX <= CS_OUTPUT_MAX, "a snapshot fits the output buffer");

/* Writes the snapshot to `out` (cap >= CS_SNAPSHOT_MAX); returns its length. */
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
