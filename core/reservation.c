/* reservation.c: the table of reservations in memory: lookup, allocation,
 * how many places are in use over an interval, forgetting what has ended,
 * and the reservation's JSON form. Rows are scanned in index order, so every
 * result is independent of anything but the command history. Scans stop at
 * reservation_rows_end: rows are taken lowest first, so the rows in use
 * stay packed near the start of a table that is mostly empty. */
#include <string.h>

#include "core.h"

static const char *const status_names[] = {
    [CS_HELD] = "held",         [CS_CONFIRMED] = "confirmed", [CS_CANCELLED] = "cancelled",
    [CS_RELEASED] = "released", [CS_EXPIRED] = "expired",     [CS_NO_SHOW] = "no_show",
};

/* Bookings on one court keep this gap: each reservation counts as
 * occupying its interval widened by the buffer on both sides. */
static int64_t buffer_of(const cs_facility *f) { return (int64_t)f->config.buffer_minutes * 60000; }

const char *reservation_status_name(uint8_t status) { return status_names[status]; }

bool reservation_status_is_live(uint8_t status) { return status == CS_HELD || status == CS_CONFIRMED; }

bool reservation_is_live(const cs_reservation *r) { return reservation_status_is_live(r->status); }

cs_reservation *reservation_find(cs_facility *f, const char *id) { return index_find(f, id); }

static void forget(cs_facility *f, cs_reservation *r) {
    CS_ASSERT(r->in_use && f->reservation_count > 0);
    index_remove(f, r);
    clock_row_changed(f, r);
    memset(r, 0, sizeof *r);
    f->reservation_count--;
}

/* When an ended reservation leaves memory; live ones leave when their time is over. */
static int64_t forget_at(const cs_reservation *r) {
    if (reservation_is_live(r)) return r->end_ms;
    int64_t history_end = r->updated_ms + CS_HISTORY_TTL_MS;
    return history_end < r->end_ms ? history_end : r->end_ms;
}

cs_reservation *reservation_allocate(cs_facility *f) {
    /* No free row below the end (the usual case: rows are taken lowest
     * first): the scan below would come to the same row. */
    CS_ASSERT(f->reservation_count <= f->reservation_rows_end);
    if (f->reservation_count == f->reservation_rows_end && f->reservation_rows_end < CS_RESERVATIONS_MAX) {
        return &f->reservations[f->reservation_rows_end++];
    }
    cs_reservation *oldest_ended = NULL;
    for (uint32_t i = 0; i < f->reservation_rows_end; i++) {
        cs_reservation *r = &f->reservations[i];
        if (!r->in_use) return r;
        if (!reservation_is_live(r) && (oldest_ended == NULL || r->updated_ms < oldest_ended->updated_ms)) {
            oldest_ended = r;
        }
    }
    /* Every row from reservation_rows_end on is free: the first free row. */
    if (f->reservation_rows_end < CS_RESERVATIONS_MAX) return &f->reservations[f->reservation_rows_end++];
    if (oldest_ended == NULL) return NULL;
    forget(f, oldest_ended);
    return oldest_ended;
}

/* Past this many days a query walks the table instead of the place index. */
enum { OVERLAP_DAYS_MAX = 64 };

uint32_t reservation_overlapping(const cs_facility *f, uint8_t court, int64_t start_ms, int64_t end_ms,
                                 const cs_reservation *except, uint32_t rows[CS_RESERVATIONS_MAX]) {
    int64_t buffer_ms = buffer_of(f);
    uint32_t count = 0;
    /* A row overlaps when start - buffer < end_ms and start_ms < end +
     * buffer; its end is at most index_longest_ms after its start. */
    int64_t first_day = index_day_of(start_ms - buffer_ms - f->index_longest_ms);
    int64_t last_day = index_day_of(end_ms + buffer_ms - 1);
    if (first_day < 0) first_day = 0; /* no reservation starts before 1970 */
    if (last_day - first_day < OVERLAP_DAYS_MAX) {
        for (int64_t day = first_day; day <= last_day; day++) {
            for (uint32_t link = index_place_first(f, court, day); link != 0; link = index_place_after(f, court, day, link)) {
                const cs_reservation *r = &f->reservations[link - 1];
                if (r == except || !reservation_is_live(r)) continue;
                if (r->start_ms - buffer_ms < end_ms && start_ms < r->end_ms + buffer_ms) rows[count++] = link - 1;
            }
        }
        return count;
    }
    for (uint32_t i = 0; i < f->reservation_rows_end; i++) {
        const cs_reservation *r = &f->reservations[i];
        if (!r->in_use || r == except || r->court != court || !reservation_is_live(r)) continue;
        if (r->start_ms - buffer_ms < end_ms && start_ms < r->end_ms + buffer_ms) rows[count++] = i;
    }
    return count;
}

/* Places in use at instant t by the reservations in `rows`. */
static uint32_t usage_at(const cs_facility *f, const uint32_t *rows, uint32_t count, int64_t t,
                         bool confirmed_only) {
    int64_t buffer_ms = buffer_of(f);
    uint32_t used = 0;
    for (uint32_t i = 0; i < count; i++) {
        const cs_reservation *r = &f->reservations[rows[i]];
        if (confirmed_only && r->status != CS_CONFIRMED) continue;
        if (r->start_ms - buffer_ms <= t && t < r->end_ms + buffer_ms) used += r->party_size;
    }
    return used;
}

/* Past this many rows overlapping the interval, reservation_peak works on all of `rows`. */
enum { PEAK_ROWS_KEPT = 64 };

uint32_t reservation_peak(const cs_facility *f, const uint32_t *rows, uint32_t count, int64_t start_ms,
                          int64_t end_ms, bool confirmed_only) {
    /* Usage only rises where a reservation (with its buffer) starts, so the
     * maximum over [start, end) is at `start` or at a start inside it.
     * A row that does not overlap [start, end) counts at none of those
     * instants, so the work is done on the rows that do (when few). */
    int64_t buffer_ms = buffer_of(f);
    uint32_t overlapping[PEAK_ROWS_KEPT], kept = 0;
    for (uint32_t i = 0; i < count && kept <= PEAK_ROWS_KEPT; i++) {
        const cs_reservation *r = &f->reservations[rows[i]];
        if (r->start_ms - buffer_ms < end_ms && start_ms < r->end_ms + buffer_ms) {
            if (kept < PEAK_ROWS_KEPT) overlapping[kept] = rows[i];
            kept++;
        }
    }
    if (kept <= PEAK_ROWS_KEPT) {
        rows = overlapping;
        count = kept;
    }
    uint32_t peak = usage_at(f, rows, count, start_ms, confirmed_only);
    for (uint32_t i = 0; i < count; i++) {
        int64_t t = f->reservations[rows[i]].start_ms - buffer_of(f);
        if (t > start_ms && t < end_ms) {
            uint32_t used = usage_at(f, rows, count, t, confirmed_only);
            if (used > peak) peak = used;
        }
    }
    return peak;
}

uint32_t reservation_usage(cs_facility *f, uint8_t court, int64_t start_ms, int64_t end_ms, bool confirmed_only,
                           const cs_reservation *except) {
    uint32_t count = reservation_overlapping(f, court, start_ms, end_ms, except, f->rows);
    return reservation_peak(f, f->rows, count, start_ms, end_ms, confirmed_only);
}

void reservation_forget_due(cs_facility *f, int64_t now_ms) {
    for (uint32_t i = clock_due_row(f, 0, now_ms); i < f->reservation_rows_end; i = clock_due_row(f, i + 1, now_ms)) {
        cs_reservation *r = &f->reservations[i];
        /* Not one changed by this command: its row is still needed for the output. */
        if (r->in_use && r->status != CS_HELD && forget_at(r) <= now_ms && r->updated_ms < now_ms) {
            forget(f, r);
            f->changed = true;
        }
    }
    reservation_trim_rows(f);
}

void reservation_trim_rows(cs_facility *f) {
    while (f->reservation_rows_end > 0 && !f->reservations[f->reservation_rows_end - 1].in_use) f->reservation_rows_end--;
}

int64_t reservation_due(const cs_reservation *r) {
    CS_ASSERT(r->in_use);
    int64_t due = r->status == CS_HELD ? r->hold_expiry_ms : forget_at(r);
    if (r->status != CS_HELD && due <= r->updated_ms) due = r->updated_ms + 1; /* see reservation_forget_due */
    return due;
}

void reservation_write(const cs_facility *f, const cs_reservation *r, json_writer *w) {
    json_object_begin(w);
    json_key(w, "reservationId");
    json_string(w, r->id);
    json_key(w, "facilityId");
    json_string(w, f->config.facility_id);
    json_key(w, "courtId");
    json_string(w, f->config.courts[r->court].id);
    json_key(w, "memberId");
    json_string(w, r->member_id);
    json_key(w, "startTime");
    cs_write_time(w, r->start_ms);
    json_key(w, "endTime");
    cs_write_time(w, r->end_ms);
    json_key(w, "partySize");
    json_int(w, r->party_size);
    json_key(w, "status");
    json_string(w, status_names[r->status]);
    json_key(w, "version");
    json_int(w, r->version);
    json_key(w, "checkedIn");
    json_bool(w, r->checked_in);
    if (r->status == CS_HELD) {
        json_key(w, "holdExpiry");
        cs_write_time(w, r->hold_expiry_ms);
    }
    json_key(w, "createdAt");
    cs_write_time(w, r->created_ms);
    json_key(w, "updatedAt");
    cs_write_time(w, r->updated_ms);
    if (r->payment != CS_PAY_NONE) {
        json_key(w, "payment");
        payments_write(w, f, r);
    }
    json_object_end(w);
}
