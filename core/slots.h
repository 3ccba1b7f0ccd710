/* slots.h: an open-addressing table of rows by their 32-bit hash, for the
 * core's derived indexes (index.c, idempotency.c). Linear probing,
 * backward-shift deletion; a slot holds row + 1, 0 when empty. The caller
 * owns the arrays, keeps each row's hash and looks rows up itself (it
 * knows what a match is); the table is sized at least twice its rows. */
#ifndef COURTSIDE_SLOTS_H
#define COURTSIDE_SLOTS_H

#include <stdint.h>

typedef struct {
    uint16_t *slots;        /* row + 1; 0: empty */
    const uint32_t *hashes; /* each row's hash */
    uint32_t mask;          /* the slot count (a power of two) less one */
} slot_table;

/* Puts `row` (its hash already in hashes[row]) in the table. */
void slots_insert(slot_table t, uint32_t row);

/* Takes `row`, which is in the table, out of it. */
void slots_remove(slot_table t, uint32_t row);

#endif
