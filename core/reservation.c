/* reservation.c: the table of reservations in memory: lookup, allocation,
 * how many places are in use over an interval, forgetting what has ended,
 * and the reservation's JSON form. Rows are scanned in index order, so every
 * result is independent of anything but the command history. Scans stop at
 * reservation_rows_end: rows are taken lowest first, so the rows in use
 * stay packed near the start of a table that is mostly empty. Allocation
 * keeps two derived aids (never stored, rebuilt by reservation_rebuild): a
 * bound below which every row is in use, and each block's oldest ended
 * time, so a full table is not walked for each new reservation. */
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
    uint32_t row = (uint32_t)(r - f->reservations);
    if (row < f->reservation_free_from) f->reservation_free_from = row;
}

/* When an ended reservation leaves memory; live ones leave when their time is over. */
static int64_t forget_at(const cs_reservation *r) {
    if (reservation_is_live(r)) return r->end_ms;
    int64_t history_end = r->updated_ms + CS_HISTORY_TTL_MS;
    return history_end < r->end_ms ? history_end : r->end_ms;
}

/* The oldest ended row (the least updated_ms, the lowest row of those),
 * or UINT32_MAX if every row is live: what a full table gives up. Each
 * block of CLOCK_BLOCK_ROWS rows keeps its oldest ended time, worked out
 * again when a row of it changed (clock_row_changed marks it), so a full
 * table is not walked for every new reservation. */
static uint32_t oldest_ended(cs_facility *f) {
    enum { BLOCKS = CS_RESERVATIONS_MAX / CLOCK_BLOCK_ROWS };
    uint32_t best_block = UINT32_MAX;
    for (uint32_t b = 0; b < BLOCKS; b++) {
        if (!f->reservation_ended_known || f->reservation_block_stale[b]) {
            int64_t oldest = INT64_MAX;
            for (uint32_t i = b * CLOCK_BLOCK_ROWS; i < (b + 1) * CLOCK_BLOCK_ROWS; i++) {
                const cs_reservation *r = &f->reservations[i];
                if (r->in_use && !reservation_is_live(r) && r->updated_ms < oldest) oldest = r->updated_ms;
            }
            f->reservation_block_ended[b] = oldest;
            f->reservation_block_stale[b] = false;
        }
        if (f->reservation_block_ended[b] != INT64_MAX &&
            (best_block == UINT32_MAX || f->reservation_block_ended[b] < f->reservation_block_ended[best_block])) {
            best_block = b;
        }
    }
    f->reservation_ended_known = true;
    uint32_t best = UINT32_MAX;
    if (best_block != UINT32_MAX) {
        uint32_t end = (best_block + 1) * CLOCK_BLOCK_ROWS;
        for (uint32_t i = best_block * CLOCK_BLOCK_ROWS; i < end && best == UINT32_MAX; i++) {
            const cs_reservation *r = &f->reservations[i];
            if (r->in_use && !reservation_is_live(r) && r->updated_ms == f->reservation_block_ended[best_block]) best = i;
        }
        CS_ASSERT(best != UINT32_MAX); /* the kept time is one of the block's rows' */
    }
#ifndef NDEBUG
    uint32_t walked = UINT32_MAX;
    for (uint32_t i = 0; i < f->reservation_rows_end; i++) {
        const cs_reservation *r = &f->reservations[i];
        if (r->in_use && !reservation_is_live(r) && (walked == UINT32_MAX || r->updated_ms < f->reservations[walked].updated_ms)) {
            walked = i;
        }
    }
    CS_ASSERT(best == walked);
#endif
    return best;
}

cs_reservation *reservation_allocate(cs_facility *f) {
    CS_ASSERT(f->reservation_count <= f->reservation_rows_end && f->reservation_free_from <= f->reservation_rows_end);
    if (f->reservation_count < f->reservation_rows_end) {
        /* A free row below the end: the lowest, looked for from the kept
         * bound (rows below it are in use; it stays on the row given out,
         * which the caller may not take after all). */
        uint32_t i = f->reservation_free_from;
        while (i < f->reservation_rows_end && f->reservations[i].in_use) i++;
        CS_ASSERT(i < f->reservation_rows_end);
        f->reservation_free_from = i;
        return &f->reservations[i];
    }
    /* Every row from reservation_rows_end on is free: the first free row. */
    if (f->reservation_rows_end < CS_RESERVATIONS_MAX) return &f->reservations[f->reservation_rows_end++];
    uint32_t row = oldest_ended(f);
    if (row == UINT32_MAX) return NULL;
    forget(f, &f->reservations[row]);
    return &f->reservations[row];
}

void reservation_rebuild(cs_facility *f) {
    index_rebuild(f);
    f->reservation_free_from = 0;
    f->reservation_ended_known = false;
}

/* Past this many days a query walks the table instead of the place index. */
enum { OVERLAP_DAYS_MAX = 64 };

void reservation_starts_between(const cs_facility *f, int64_t start_ms, int64_t end_ms, int64_t *from_ms,
                                int64_t *to_ms) {
    /* A row overlaps when start - buffer < end_ms and start_ms < end +
     * buffer; its end is at most index_longest_ms after its start. */
    int64_t buffer_ms = buffer_of(f);
    *from_ms = start_ms - buffer_ms - f->index_longest_ms;
    *to_ms = end_ms + buffer_ms;
}

uint32_t reservation_overlapping(const cs_facility *f, uint8_t court, int64_t start_ms, int64_t end_ms,
                                 const cs_reservation *except, uint32_t rows[CS_RESERVATIONS_MAX]) {
    int64_t buffer_ms = buffer_of(f);
    uint32_t count = 0;
    int64_t from_ms, to_ms;
    reservation_starts_between(f, start_ms, end_ms, &from_ms, &to_ms);
    int64_t first_day = index_day_of(from_ms), last_day = index_day_of(to_ms - 1);
    if (first_day < 0) first_day = 0; /* no reservation starts before 1970 */
    if (last_day - first_day < OVERLAP_DAYS_MAX) {
        for (int64_t day = first_day; day <= last_day; day++) {
            for (uint32_t link = index_place_first(f, court, day); link != 0; link = index_place_after(f, court, day, link)) {
                const cs_reservation *r = &f->reservations[link - 1];
                if (r == except) continue; /* the chain holds live rows only */
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

void reservation_spans(const cs_facility *f, const uint32_t *rows, uint32_t count, reservation_span *spans) {
    CS_ASSERT(count <= RESERVATION_SPANS_MAX);
    int64_t buffer_ms = buffer_of(f);
    for (uint32_t i = 0; i < count; i++) {
        const cs_reservation *r = &f->reservations[rows[i]];
        spans[i] = (reservation_span){.from_ms = r->start_ms - buffer_ms,
                                      .to_ms = r->end_ms + buffer_ms,
                                      .places = r->party_size,
                                      .confirmed = r->status == CS_CONFIRMED};
    }
}

/* Usage at instant t of the spans in `hit`: all of them and the confirmed. */
static void span_usage_at(const reservation_span *const *hit, uint32_t count, int64_t t, uint32_t *all,
                          uint32_t *confirmed) {
    uint32_t used = 0, used_confirmed = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (hit[i]->from_ms <= t && t < hit[i]->to_ms) {
            used += hit[i]->places;
            if (hit[i]->confirmed) used_confirmed += hit[i]->places;
        }
    }
    if (used > *all) *all = used;
    if (used_confirmed > *confirmed) *confirmed = used_confirmed;
}

void reservation_span_peaks(const reservation_span *spans, uint32_t count, int64_t start_ms, int64_t end_ms,
                            uint32_t *all, uint32_t *confirmed) {
    /* As reservation_peak: usage rises only where a span starts, so the
     * peaks are at `start` or at a start inside the interval (a confirmed
     * peak at a confirmed one: the other starts only add instants). */
    CS_ASSERT(count <= RESERVATION_SPANS_MAX);
    const reservation_span *hit[RESERVATION_SPANS_MAX];
    uint32_t hits = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (spans[i].from_ms < end_ms && start_ms < spans[i].to_ms) hit[hits++] = &spans[i];
    }
    *all = 0;
    *confirmed = 0;
    span_usage_at(hit, hits, start_ms, all, confirmed);
    for (uint32_t i = 0; i < hits; i++) {
        if (hit[i]->from_ms > start_ms) span_usage_at(hit, hits, hit[i]->from_ms, all, confirmed);
    }
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
