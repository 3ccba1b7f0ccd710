/* slots.c: inserting and removing rows of an open-addressing table
 * (slots.h), the part the core's two hash indexes share. */
#include "slots.h"

#include "core.h"

void slots_insert(slot_table t, uint32_t row) {
    CS_ASSERT(row + 1 <= UINT16_MAX);
    uint32_t slot = t.hashes[row] & t.mask;
    while (t.slots[slot] != 0) slot = (slot + 1) & t.mask;
    t.slots[slot] = (uint16_t)(row + 1);
}

void slots_remove(slot_table t, uint32_t row) {
    uint32_t slot = t.hashes[row] & t.mask;
    while (t.slots[slot] != row + 1) {
        CS_ASSERT(t.slots[slot] != 0); /* every row in use is in the table */
        slot = (slot + 1) & t.mask;
    }
    /* Backward shift: pull later entries of the run into the hole when
     * their home slot is not between the hole and where they are. */
    uint32_t hole = slot;
    for (uint32_t next = (hole + 1) & t.mask; t.slots[next] != 0; next = (next + 1) & t.mask) {
        uint32_t home = t.hashes[t.slots[next] - 1] & t.mask;
        if (((next - home) & t.mask) >= ((next - hole) & t.mask)) {
            t.slots[hole] = t.slots[next];
            hole = next;
        }
    }
    t.slots[hole] = 0;
}
