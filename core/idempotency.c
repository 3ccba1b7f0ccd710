/* idempotency.c: the answers to attempts that carried an idempotency key,
 * remembered per member for CS_IDEMPOTENCY_TTL_MS so a retried request gets
 * the first answer again and creates nothing. Scans stop at
 * idempotency_rows_end: every key in use is below it. When the earliest
 * key leaves is kept (idempotency_due_ms, derived, not stored; unknown
 * after init or restore), so the clock neither walks the keys before then
 * nor for its deadline. A key is found through a hash index of (key,
 * member id) to row (open addressing, twice the rows, backward-shift
 * deletion; derived, rebuilt on restore), answering the lowest row as a
 * scan would. */
#include <string.h>

#include "core.h"
#include "slots.h"

enum { SLOTS = 2 * CS_IDEMPOTENCY_KEYS_MAX, SLOT_MASK = SLOTS - 1 };
_Static_assert((SLOTS & SLOT_MASK) == 0, "the key index's size is a power of two");
_Static_assert(CS_IDEMPOTENCY_KEYS_MAX < UINT16_MAX, "a slot holds row + 1 in 16 bits");

/* 32-bit FNV-1a over the key, a NUL and the member id. */
static uint32_t hash_of(const char *member_id, const char *key) {
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++) h = (h ^ *p) * 16777619u;
    h *= 16777619u;
    for (const unsigned char *p = (const unsigned char *)member_id; *p != '\0'; p++) h = (h ^ *p) * 16777619u;
    return h;
}

static slot_table key_table(cs_facility *f) {
    return (slot_table){f->idempotency_slots, f->idempotency_hashes, SLOT_MASK};
}

static void index_key(cs_facility *f, uint32_t row) {
    const cs_idempotency_key *k = &f->idempotency[row];
    f->idempotency_hashes[row] = hash_of(k->member_id, k->key);
    slots_insert(key_table(f), row);
}

static void unindex_key(cs_facility *f, uint32_t row) {
    slots_remove(key_table(f), row);
}

void idempotency_rebuild_index(cs_facility *f) {
    memset(f->idempotency_slots, 0, sizeof f->idempotency_slots);
    for (uint32_t i = 0; i < f->idempotency_rows_end; i++) {
        if (f->idempotency[i].in_use) index_key(f, i);
    }
}

const cs_idempotency_key *idempotency_find(const cs_facility *f, const char *member_id, const char *key) {
    uint32_t h = hash_of(member_id, key), best = UINT32_MAX;
    for (uint32_t slot = h & SLOT_MASK; f->idempotency_slots[slot] != 0; slot = (slot + 1) & SLOT_MASK) {
        uint32_t row = f->idempotency_slots[slot] - 1u;
        const cs_idempotency_key *k = &f->idempotency[row];
        if (row < best && f->idempotency_hashes[row] == h && strcmp(k->key, key) == 0 && strcmp(k->member_id, member_id) == 0) {
            best = row;
        }
    }
#ifndef NDEBUG
    uint32_t scanned = UINT32_MAX;
    for (uint32_t i = 0; i < f->idempotency_rows_end && scanned == UINT32_MAX; i++) {
        const cs_idempotency_key *k = &f->idempotency[i];
        if (k->in_use && strcmp(k->key, key) == 0 && strcmp(k->member_id, member_id) == 0) scanned = i;
    }
    CS_ASSERT(scanned == best);
#endif
    return best == UINT32_MAX ? NULL : &f->idempotency[best];
}

/* Keys past their TTL were forgotten when the command advanced to `now`. */
bool idempotency_has_room(const cs_facility *f) {
    return f->idempotency_count < CS_IDEMPOTENCY_KEYS_MAX;
}

/* When the first key in use leaves memory, INT64_MAX if none, from the keys. */
static int64_t scan_due(const cs_facility *f) {
    int64_t due = INT64_MAX;
    for (uint32_t i = 0; i < f->idempotency_rows_end; i++) {
        const cs_idempotency_key *k = &f->idempotency[i];
        if (k->in_use && k->created_ms + CS_IDEMPOTENCY_TTL_MS < due) due = k->created_ms + CS_IDEMPOTENCY_TTL_MS;
    }
    return due;
}

static int64_t due_of(const cs_facility *f) {
    if (!f->idempotency_due_known) return scan_due(f);
#ifndef NDEBUG
    CS_ASSERT(f->idempotency_due_ms == scan_due(f));
#endif
    return f->idempotency_due_ms;
}

void idempotency_remember(cs_facility *f, const char *member_id, const char *key, const cs_reservation *r,
                          int64_t now_ms) {
    for (uint32_t i = 0; i < CS_IDEMPOTENCY_KEYS_MAX; i++) {
        cs_idempotency_key *k = &f->idempotency[i];
        if (k->in_use) continue;
        *k = (cs_idempotency_key){.in_use = true,
                                  .court = r->court,
                                  .created_ms = now_ms,
                                  .start_ms = r->start_ms,
                                  .end_ms = r->end_ms,
                                  .hold_expiry_ms = r->hold_expiry_ms};
        memcpy(k->key, key, strlen(key) + 1);
        memcpy(k->member_id, member_id, strlen(member_id) + 1);
        memcpy(k->reservation_id, r->id, strlen(r->id) + 1);
        f->idempotency_count++;
        if (i >= f->idempotency_rows_end) f->idempotency_rows_end = i + 1;
        index_key(f, i);
        if (f->idempotency_due_known && now_ms + CS_IDEMPOTENCY_TTL_MS < f->idempotency_due_ms) {
            f->idempotency_due_ms = now_ms + CS_IDEMPOTENCY_TTL_MS;
        }
        return;
    }
    CS_ASSERT(false); /* callers check idempotency_has_room first */
}

void idempotency_forget_due(cs_facility *f, int64_t now_ms) {
    f->idempotency_due_ms = due_of(f);
    f->idempotency_due_known = true;
    if (f->idempotency_due_ms > now_ms) return; /* none is due: the walk would change nothing */
    for (uint32_t i = 0; i < f->idempotency_rows_end; i++) {
        cs_idempotency_key *k = &f->idempotency[i];
        if (k->in_use && k->created_ms + CS_IDEMPOTENCY_TTL_MS <= now_ms) {
            unindex_key(f, i);
            memset(k, 0, sizeof *k);
            f->idempotency_count--;
            f->changed = true;
        }
    }
    while (f->idempotency_rows_end > 0 && !f->idempotency[f->idempotency_rows_end - 1].in_use) f->idempotency_rows_end--;
    f->idempotency_due_ms = scan_due(f);
    f->idempotency_due_known = true;
}

int64_t idempotency_next_deadline(const cs_facility *f, int64_t deadline_ms) {
    int64_t due = due_of(f);
    if (due != INT64_MAX && (deadline_ms < 0 || due < deadline_ms)) deadline_ms = due;
    return deadline_ms;
}
