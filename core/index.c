/* index.c: the reservation indexes, so finding a reservation or a
 * member's reservations is not a scan of the table:
 * - by id: an open-addressing hash table (linear probing, backward-shift
 *   deletion) from a reservation's id to its row;
 * - by member: the live rows (held or confirmed) of members whose ids
 *   hash alike, chained (a doubly linked list per bucket), walked by
 *   index_member_first/_next;
 * - by place: the live rows of each court and UTC day of their start,
 *   chained the same way, with the longest reservation's length, so the
 *   rows that may overlap an interval are those of a few days
 *   (index_place_*).
 * - stamps: per court and four hours (with periods 43 days apart sharing
 *   one), how many times a live row starting then joined, left, or
 *   changed status or place, so that a
 *   text made from a court's reservations (day_text.c) can tell it is
 *   still true from a few counters instead of the rows
 *   (index_place_stamp).
 * The chains hold live rows only: every walker wants live rows, and the
 * ended ones kept as history (up to CS_HISTORY_TTL_MS, thousands at a busy
 * facility) would make each walk long. A row joins them when it is added
 * live or comes back to life, and leaves when it ends or is removed
 * (index_status_changed: every change of status goes through it).
 * All are derived state: never in a snapshot, rebuilt by index_rebuild
 * after a restore or a change of court numbers. Their sizes are fixed
 * (CS_INDEX_SLOTS, twice the rows, so the id table is never more than half
 * full) and they decide nothing about order: an id lookup answers the
 * lowest row with the id, exactly as a scan in row order would, and the
 * chains come in no particular order, so callers only count, sum or ask
 * whether any row matches. */
#include <string.h>

#include "core.h"
#include "slots.h"

_Static_assert((CS_INDEX_SLOTS & (CS_INDEX_SLOTS - 1)) == 0, "the index's size is a power of two");
_Static_assert(CS_INDEX_SLOTS >= 2 * CS_RESERVATIONS_MAX, "the index is at most half full");
_Static_assert(CS_RESERVATIONS_MAX < UINT16_MAX, "a slot holds row + 1 in 16 bits");

enum { SLOT_MASK = CS_INDEX_SLOTS - 1, BUCKET_MASK = CS_INDEX_SLOTS / 2 - 1 };
/* The stamps count changes per court and four-hour period of a row's
 * start, each court's periods side by side, the periods STAMP_PERIODS
 * apart sharing a counter (43 days in the full build); a stamp sums at
 * most STAMP_SPAN_MAX of them. */
enum {
    STAMP_PERIOD_MS = 4 * 3600000,
    STAMP_PERIODS = CS_INDEX_SLOTS / 2 / CS_COURTS_MAX,
    STAMP_SPAN_MAX = 24,
};
_Static_assert(STAMP_PERIODS >= 1 && (STAMP_PERIODS & (STAMP_PERIODS - 1)) == 0, "a court's periods are a power of two");

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

static void member_link(cs_facility *f, uint32_t row) {
    uint32_t h = hash_of(f->reservations[row].member_id);
    uint16_t *head = &f->index_member_heads[h & BUCKET_MASK];
    f->index_member_hashes[row] = h;
    f->index_member_prev[row] = 0;
    f->index_member_next[row] = *head;
    if (*head != 0) f->index_member_prev[*head - 1] = (uint16_t)(row + 1);
    *head = (uint16_t)(row + 1);
}

static void member_unlink(cs_facility *f, uint32_t row) {
    uint16_t prev = f->index_member_prev[row], next = f->index_member_next[row];
    if (prev != 0) {
        f->index_member_next[prev - 1] = next;
    } else {
        uint16_t *head = &f->index_member_heads[f->index_member_hashes[row] & BUCKET_MASK];
        CS_ASSERT(*head == row + 1);
        *head = next;
    }
    if (next != 0) f->index_member_prev[next - 1] = prev;
}

static uint32_t place_bucket(uint8_t court, int64_t day) {
    uint64_t key = (uint64_t)day * 256u + court;
    return (uint32_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 40) & BUCKET_MASK;
}

/* Which `unit`-long span since 1970 `ms` falls in, rounding down. */
static int64_t span_of(int64_t ms, int64_t unit) { return ms >= 0 ? ms / unit : -((-ms + unit - 1) / unit); }

int64_t index_day_of(int64_t ms) { return span_of(ms, INDEX_DAY_MS); }

/* The stamps' counter of a court and period. */
static uint32_t stamp_bucket(uint8_t court, int64_t period) {
    return (uint32_t)court * STAMP_PERIODS + (uint32_t)((uint64_t)period & (STAMP_PERIODS - 1));
}

static int64_t period_of(int64_t ms) { return span_of(ms, STAMP_PERIOD_MS); }

/* A live row joined, left or changed in the stamps' `bucket`. The counters
 * only grow (index_rebuild keeps them), so a sum of them is unchanged only
 * when none of its buckets changed. */
static void place_changed(cs_facility *f, uint32_t bucket) {
    CS_ASSERT(f->index_place_stamps[bucket] < UINT64_MAX);
    f->index_place_stamps[bucket]++;
}

static void place_link(cs_facility *f, uint32_t row) {
    const cs_reservation *res = &f->reservations[row];
    uint32_t bucket = place_bucket(res->court, index_day_of(res->start_ms));
    uint16_t *head = &f->index_place_heads[bucket];
    f->index_stamp_bucket[row] = (uint16_t)stamp_bucket(res->court, period_of(res->start_ms));
    place_changed(f, f->index_stamp_bucket[row]);
    f->index_place_bucket[row] = (uint16_t)bucket;
    f->index_place_prev[row] = 0;
    f->index_place_next[row] = *head;
    if (*head != 0) f->index_place_prev[*head - 1] = (uint16_t)(row + 1);
    *head = (uint16_t)(row + 1);
    if (res->end_ms - res->start_ms > f->index_longest_ms) f->index_longest_ms = res->end_ms - res->start_ms;
}

static void place_unlink(cs_facility *f, uint32_t row) {
    uint16_t prev = f->index_place_prev[row], next = f->index_place_next[row];
    place_changed(f, f->index_stamp_bucket[row]);
    if (prev != 0) {
        f->index_place_next[prev - 1] = next;
    } else {
        uint16_t *head = &f->index_place_heads[f->index_place_bucket[row]];
        CS_ASSERT(*head == row + 1);
        *head = next;
    }
    if (next != 0) f->index_place_prev[next - 1] = prev;
}

void index_moved(cs_facility *f, const cs_reservation *res) {
    uint32_t row = row_of(f, res);
    CS_ASSERT(res->in_use);
    if (!reservation_is_live(res)) return;
    place_unlink(f, row);
    place_link(f, row);
}

void index_status_changed(cs_facility *f, const cs_reservation *res, uint8_t from) {
    uint32_t row = row_of(f, res);
    bool was_live = reservation_status_is_live(from), live = reservation_is_live(res);
    CS_ASSERT(res->in_use);
    if (was_live && !live) {
        member_unlink(f, row);
        place_unlink(f, row);
    } else if (!was_live && live) {
        member_link(f, row);
        place_link(f, row);
    } else if (was_live && live) {
        place_changed(f, f->index_stamp_bucket[row]); /* a hold confirmed: its span counts as confirmed */
    }
}

/* From row + 1 `link` on along its chain: the next row + 1 on the court and day, or 0. */
static uint32_t place_from(const cs_facility *f, uint8_t court, int64_t day, uint32_t link) {
    for (; link != 0; link = f->index_place_next[link - 1]) {
        const cs_reservation *res = &f->reservations[link - 1];
        if (res->court == court && index_day_of(res->start_ms) == day) return link;
    }
    return 0;
}

uint32_t index_place_first(const cs_facility *f, uint8_t court, int64_t day) {
    return place_from(f, court, day, f->index_place_heads[place_bucket(court, day)]);
}

uint32_t index_place_after(const cs_facility *f, uint8_t court, int64_t day, uint32_t link) {
    return place_from(f, court, day, f->index_place_next[link - 1]);
}

bool index_place_stamp(const cs_facility *f, uint8_t court, int64_t from_ms, int64_t to_ms, uint64_t *stamp) {
    int64_t first = period_of(from_ms), last = period_of(to_ms - 1);
    if (last - first >= STAMP_SPAN_MAX) return false;
    *stamp = 0;
    for (int64_t period = first; period <= last; period++) *stamp += f->index_place_stamps[stamp_bucket(court, period)];
    return true;
}

static slot_table id_table(cs_facility *f) {
    return (slot_table){f->index_slots, f->index_hashes, SLOT_MASK};
}

void index_add(cs_facility *f, const cs_reservation *res) {
    uint32_t row = row_of(f, res), h = hash_of(res->id);
    CS_ASSERT(res->in_use);
    f->index_hashes[row] = h;
    slots_insert(id_table(f), row);
    if (!reservation_is_live(res)) return;
    member_link(f, row);
    place_link(f, row);
}

void index_remove(cs_facility *f, const cs_reservation *res) {
    uint32_t row = row_of(f, res);
    slots_remove(id_table(f), row);
    if (!reservation_is_live(res)) return;
    member_unlink(f, row);
    place_unlink(f, row);
}

cs_reservation *index_find(cs_facility *f, const char *id) {
    uint32_t h = hash_of(id), best = UINT32_MAX;
    for (uint32_t slot = h & SLOT_MASK; f->index_slots[slot] != 0; slot = (slot + 1) & SLOT_MASK) {
        uint32_t row = f->index_slots[slot] - 1u;
        if (row < best && f->index_hashes[row] == h && strcmp(f->reservations[row].id, id) == 0) best = row;
    }
    return best == UINT32_MAX ? NULL : &f->reservations[best];
}

/* From row + 1 `link` on along its chain: the next row of the member, or INDEX_END. */
static uint32_t member_from(const cs_facility *f, uint32_t link, uint32_t h, const char *member_id) {
    for (; link != 0; link = f->index_member_next[link - 1]) {
        uint32_t row = link - 1;
        if (f->index_member_hashes[row] == h && strcmp(f->reservations[row].member_id, member_id) == 0) return row;
    }
    return INDEX_END;
}

uint32_t index_member_first(const cs_facility *f, const char *member_id) {
    uint32_t h = hash_of(member_id);
    return member_from(f, f->index_member_heads[h & BUCKET_MASK], h, member_id);
}

uint32_t index_member_next(const cs_facility *f, uint32_t row, const char *member_id) {
    return member_from(f, f->index_member_next[row], f->index_member_hashes[row], member_id);
}

void index_rebuild(cs_facility *f) {
    memset(f->index_slots, 0, sizeof f->index_slots);
    memset(f->index_member_heads, 0, sizeof f->index_member_heads);
    memset(f->index_place_heads, 0, sizeof f->index_place_heads);
    f->index_longest_ms = 0; /* index_place_stamps are kept: they only grow */
    for (uint32_t i = 0; i < f->reservation_rows_end; i++) {
        if (f->reservations[i].in_use) index_add(f, &f->reservations[i]);
    }
}

#ifndef NDEBUG
/* Walks every chain: each row on it is live, and every live row is on one
 * of each kind (debug builds, after every command). */
void index_check(const cs_facility *f) {
    uint32_t live = 0, members = 0, places = 0;
    for (uint32_t i = 0; i < f->reservation_rows_end; i++) live += f->reservations[i].in_use && reservation_is_live(&f->reservations[i]);
    for (uint32_t b = 0; b <= BUCKET_MASK; b++) {
        for (uint32_t link = f->index_member_heads[b]; link != 0; link = f->index_member_next[link - 1], members++) {
            CS_ASSERT(f->reservations[link - 1].in_use && reservation_is_live(&f->reservations[link - 1]));
        }
        for (uint32_t link = f->index_place_heads[b]; link != 0; link = f->index_place_next[link - 1], places++) {
            CS_ASSERT(f->reservations[link - 1].in_use && reservation_is_live(&f->reservations[link - 1]));
        }
    }
    CS_ASSERT(members == live && places == live);
}
#endif
