/* clock.c: the clock's work between commands: when it is next due (the
 * output's `deadline`), and advancing the facility to a command's `now`.
 * The deadline the last command reported is kept (derived state, never
 * stored: a new or restored facility starts without it). Until `now`
 * reaches it, advancing would change nothing (every part of the clock's
 * work is due exactly at a time the deadline takes the earliest of), so
 * it is skipped; and a command that changed nothing reports the deadline
 * it found. Debug builds check both claims on every command. */
#include "core.h"

/* The earliest of every part's next work; -1: none. Every time is at
 * least 0 (1970), so the order of the parts does not matter. */
static int64_t compute_deadline(const cs_facility *f) {
    int64_t deadline = -1;
    for (uint32_t i = 0; i < f->reservation_rows_end; i++) { /* both of a row's parts in one walk */
        const cs_reservation *res = &f->reservations[i];
        if (!res->in_use) continue;
        int64_t due = reservation_due(res), reminder = reminders_due(f, res);
        if (reminder >= 0 && reminder < due) due = reminder;
        if (deadline < 0 || due < deadline) deadline = due;
    }
    return waitlist_next_deadline(f, blocks_next_deadline(f, idempotency_next_deadline(f, deadline)));
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
              f->member_change_count == 0 && f->entry_change_count == 0);
#endif
}

int64_t clock_deadline(cs_facility *f) {
    if (!f->clock_known || f->changed) {
        f->clock_deadline_ms = compute_deadline(f);
        f->clock_known = true;
    }
#ifndef NDEBUG
    CS_ASSERT(f->clock_deadline_ms == compute_deadline(f));
#endif
    return f->clock_deadline_ms;
}
