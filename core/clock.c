/* clock.c: the clock's work between commands: when it is next due (the
 * output's `deadline`), and advancing the facility to a command's `now`.
 *
 * The deadline the last command reported is kept (derived state, never
 * stored: a new or restored facility starts without it). Until `now`
 * reaches it, advancing would change nothing (every part of the clock's
 * work is due exactly at a time the deadline takes the earliest of), so
 * it is skipped. After every command the deadline is worked out again
 * from the kept rows' part and the other parts (waitlist, blocks,
 * idempotency keys), which are cheap to take in full.
 *
 * The reservations' part is kept per row (clock_row_due) and per block of
 * CLOCK_BLOCK_ROWS rows (the earliest of the block), so a command that
 * changed a few rows works out those rows again and then takes the
 * earliest of the blocks, instead of walking every row. A row is marked
 * whenever it changes in a way that could move its due time: every such
 * change is recorded as an event (cs_emit_change, cs_record_change), and
 * forgetting a row or sending its reminders marks it too. A change of the
 * facility (configure, blocks: a facility_updated broadcast) and a restore
 * work everything out again. Debug builds check all of it on every
 * command against a walk of every row. The same mark tells
 * reservation_allocate which blocks' oldest ended rows to look at again.
 *
 * The clock's own walks (expiring holds, reminders and no-shows,
 * forgetting) visit only the rows clock_due_row gives: those whose kept
 * due time has come, in row order. The kept times are those of the state
 * before the walks; a walk changes only rows it visits, and a change it
 * makes never makes a row due now for a later walk (an expired or
 * no-show row was updated now, so it is not forgotten in this command),
 * so the rows passed over would have been passed over by a full walk. */
#include "core.h"

_Static_assert(CS_RESERVATIONS_MAX % CLOCK_BLOCK_ROWS == 0, "rows come in whole blocks");

#define NONE INT64_MAX /* no work due */

/* When a row next has work: its hold lapses, it is forgotten, a reminder or a no-show check; NONE if free. */
static int64_t row_due(const cs_facility *f, uint32_t row) {
    const cs_reservation *res = &f->reservations[row];
    if (!res->in_use) return NONE;
    int64_t due = reservation_due(res), reminder = reminders_due(f, res);
    return reminder >= 0 && reminder < due ? reminder : due;
}

static void refresh_block(cs_facility *f, uint32_t block) {
    int64_t earliest = NONE;
    for (uint32_t i = block * CLOCK_BLOCK_ROWS; i < (block + 1) * CLOCK_BLOCK_ROWS; i++) {
        if (f->clock_row_due[i] < earliest) earliest = f->clock_row_due[i];
    }
    f->clock_block_due[block] = earliest;
}

static void refresh_all_rows(cs_facility *f) {
    for (uint32_t i = 0; i < CS_RESERVATIONS_MAX; i++) f->clock_row_due[i] = i < f->reservation_rows_end ? row_due(f, i) : NONE;
    for (uint32_t b = 0; b < CS_RESERVATIONS_MAX / CLOCK_BLOCK_ROWS; b++) refresh_block(f, b);
}

/* Every time is at least 0 (1970), so the order of the parts does not matter; -1: none. */
static int64_t other_parts(const cs_facility *f, int64_t deadline) {
    return waitlist_next_deadline(f, blocks_next_deadline(f, idempotency_next_deadline(f, deadline)));
}

/* The blocks past reservation_rows_end are all free rows, NONE. */
static int64_t rows_deadline(const cs_facility *f) {
    int64_t earliest = NONE;
    uint32_t blocks = (f->reservation_rows_end + CLOCK_BLOCK_ROWS - 1) / CLOCK_BLOCK_ROWS;
    for (uint32_t b = 0; b < blocks; b++) {
        if (f->clock_block_due[b] < earliest) earliest = f->clock_block_due[b];
    }
    return earliest == NONE ? -1 : earliest;
}

#ifndef NDEBUG
/* The deadline from every row, kept nowhere. */
static int64_t walk_deadline(const cs_facility *f) {
    int64_t deadline = -1;
    for (uint32_t i = 0; i < f->reservation_rows_end; i++) {
        int64_t due = row_due(f, i);
        if (due != NONE && (deadline < 0 || due < deadline)) deadline = due;
    }
    return other_parts(f, deadline);
}
#endif

void clock_row_changed(cs_facility *f, const cs_reservation *res) {
    CS_ASSERT(res >= f->reservations && res < f->reservations + CS_RESERVATIONS_MAX);
    uint32_t row = (uint32_t)(res - f->reservations);
    if (f->clock_changed_count < CS_EVENTS_MAX) f->clock_changed_rows[f->clock_changed_count] = row;
    f->clock_changed_count++; /* past CS_EVENTS_MAX: everything is worked out again */
    f->reservation_block_stale[row / CLOCK_BLOCK_ROWS] = true; /* for reservation_allocate */
}

uint32_t clock_due_row(const cs_facility *f, uint32_t row, int64_t now_ms) {
    if (!f->clock_known) return row; /* nothing kept yet: every row */
#ifndef NDEBUG
    uint32_t from = row;
#endif
    while (row < f->reservation_rows_end) {
        if (row % CLOCK_BLOCK_ROWS == 0 && f->clock_block_due[row / CLOCK_BLOCK_ROWS] > now_ms) {
            row += CLOCK_BLOCK_ROWS;
        } else if (f->clock_row_due[row] > now_ms) {
            row++;
        } else {
            break;
        }
    }
#ifndef NDEBUG
    /* What is passed over has no work due now, as the rows are now. */
    for (uint32_t i = from; i < row && i < f->reservation_rows_end; i++) CS_ASSERT(row_due(f, i) > now_ms);
#endif
    return row;
}

static bool nothing_due(const cs_facility *f, int64_t now_ms) {
    return f->clock_known && (f->clock_deadline_ms < 0 || now_ms < f->clock_deadline_ms);
}

void clock_advance(cs_facility *f, int64_t now_ms) {
    if (!nothing_due(f, now_ms)) {
        booking_advance(f, now_ms);
        return;
    }
#ifndef NDEBUG
    CS_ASSERT(!f->changed && f->event_count == 0 && f->notice_count == 0);
    booking_advance(f, now_ms);
    CS_ASSERT(!f->changed && f->event_count == 0 && f->notice_count == 0 && f->replan_count == 0 &&
              f->member_change_count == 0 && f->entry_change_count == 0 && f->clock_changed_count == 0);
#endif
}

static bool facility_updated(const cs_facility *f) {
    for (uint32_t i = 0; i < f->event_count; i++) {
        if (f->events[i].type == CS_EVENT_FACILITY_UPDATED) return true;
    }
    return false;
}

int64_t clock_deadline(cs_facility *f) {
    if (!f->clock_known || f->clock_changed_count > CS_EVENTS_MAX || facility_updated(f)) {
        refresh_all_rows(f);
        f->clock_deadline_ms = other_parts(f, rows_deadline(f));
        f->clock_known = true;
    } else {
        /* Every command: the rows it marked, and the other parts in full (a
         * matcher run may move the waitlist's retry time without changing
         * anything the host logs, so f->changed does not tell). */
        for (uint32_t i = 0; i < f->clock_changed_count; i++) {
            uint32_t row = f->clock_changed_rows[i];
            f->clock_row_due[row] = row_due(f, row);
        }
        for (uint32_t i = 0; i < f->clock_changed_count; i++) refresh_block(f, f->clock_changed_rows[i] / CLOCK_BLOCK_ROWS);
        f->clock_deadline_ms = other_parts(f, rows_deadline(f));
    }
    f->clock_changed_count = 0;
#ifndef NDEBUG
    CS_ASSERT(f->clock_deadline_ms == walk_deadline(f));
    for (uint32_t i = 0; i < CS_RESERVATIONS_MAX; i++) CS_ASSERT(f->clock_row_due[i] == (i < f->reservation_rows_end ? row_due(f, i) : NONE));
#endif
    return f->clock_deadline_ms;
}
