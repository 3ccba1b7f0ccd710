/* index.c: the reservation id index: an open-addressing hash table (linear
 * probing, backward-shift deletion) from a reservation's id to its row, so
 * finding a reservation or checking a new id is not a scan of the table.
 * It is derived state: never in a snapshot, rebuilt by index_rebuild after
 * a restore or anything else that rewrites rows wholesale. Its size is
 * fixed (CS_INDEX_SLOTS, twice the rows, so it is never more than half
 * full) and it decides nothing about order: a lookup answers the lowest
 * row with the id, exactly as a scan in row order would. */
#include <string.h>

#include "core.h"

_Static_assert((CS_INDEX_SLOTS & (CS_INDEX_SLOTS - 1)) == 0, "the index's size is a power of two");
_Static_assert(CS_INDEX_SLOTS >= 2 * CS_RESERVATIONS_MAX, "the index is at most half full");
_Static_assert(CS_RESERVATIONS_MAX < UINT16_MAX, "a slot holds row + 1 in 16 bits");

enum { SLOT_MASK = CS_INDEX_SLOTS - 1 };

/* 32-bit FNV-1a. */
static uint32_t hash_of(const char *id) {
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)id; *p != '\0'; p++) h = (h ^ *p) * 16777619u;
    return h;
}

static uint32_t row_of(const cs_facility *f, const cs_reservation *res) {
    CS_ASSERT(res >= f->reservations && res < f->reservations + CS_RESERVATIONS_MAX);
    return (uint32_t)(res - f->reservations);
}

void index_add(cs_facility *f, const cs_reservation *res) {
    uint32_t row = row_of(f, res), h = hash_of(res->id);
    CS_ASSERT(res->in_use);
    f->index_hashes[row] = h;
    uint32_t slot = h & SLOT_MASK;
    while (f->index_slots[slot] != 0) slot = (slot + 1) & SLOT_MASK;
    f->index_slots[slot] = (uint16_t)(row + 1);
}

void index_remove(cs_facility *f, const cs_reservation *res) {
    uint32_t row = row_of(f, res);
    uint32_t slot = f->index_hashes[row] & SLOT_MASK;
    while (f->index_slots[slot] != row + 1) {
        CS_ASSERT(f->index_slots[slot] != 0); /* every row in use is in the index */
        slot = (slot + 1) & SLOT_MASK;
    }
    /* Backward shift: pull later entries of the run into the hole when
     * their home slot is not between the hole and where they are. */
    uint32_t hole = slot;
    for (uint32_t next = (hole + 1) & SLOT_MASK; f->index_slots[next] != 0; next = (next + 1) & SLOT_MASK) {
        uint32_t home = f->index_hashes[f->index_slots[next] - 1] & SLOT_MASK;
        if (((next - home) & SLOT_MASK) >= ((next - hole) & SLOT_MASK)) {
            f->index_slots[hole] = f->index_slots[next];
            hole = next;
        }
    }
    f->index_slots[hole] = 0;
}

cs_reservation *index_find(cs_facility *f, const char *id) {
    uint32_t h = hash_of(id), best = UINT32_MAX;
    for (uint32_t slot = h & SLOT_MASK; f->index_slots[slot] != 0; slot = (slot + 1) & SLOT_MASK) {
        uint32_t row = f->index_slots[slot] - 1u;
        if (row < best && f->index_hashes[row] == h && strcmp(f->reservations[row].id, id) == 0) best = row;
    }
    return best == UINT32_MAX ? NULL : &f->reservations[best];
}

void index_rebuild(cs_facility *f) {
    memset(f->index_slots, 0, sizeof f->index_slots);
    for (uint32_t i = 0; i < f->reservation_rows_end; i++) {
        if (f->reservations[i].in_use) index_add(f, &f->reservations[i]);
    }
}
