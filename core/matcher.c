/* matcher.c: serving the waitlist. Whenever places open (a cancel, a
 * release, an expiry, a move, a block removed, a configuration change) the
 * matcher finds, among the waiting entries that could use the opened
 * places, the one to serve first — higher tier priority, then a placement
 * closer to the member's preferred start, then first come — books or offers
 * it, and repeats while anyone can still be served. Every choice is by
 * explicit keys and row order, never by memory layout. */
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "core.h"

/* Where places opened in this command; CS_ALL_COURTS and the whole time
 * line when anything may have changed. */
typedef struct opening {
    uint8_t court;
    int64_t start_ms;
    int64_t end_ms;
    /* The local days a placement of near_duration_ms touching it can come
     * from (see best_place), kept for the next entry of that duration. */
    bool near_known;
    int64_t near_duration_ms;
    int64_t near_first_day;
    int64_t near_last_day;
} opening;

/* An entry's window as local days, from now (kept for the sweep). */
typedef struct entry_days {
    int64_t first;
    int64_t last;
} entry_days;

enum { OPENINGS_MAX = 64, CANDIDATES_MAX = 2048, DAYS_KEPT = 64 };

/* A local day's opening ranges in UTC, as calendar_range_utc gives them. */
typedef struct day_ranges {
    bool known;
    int64_t day;
    uint32_t count;
    int64_t open_ms[CS_RANGES_PER_DAY_MAX];
    int64_t close_ms[CS_RANGES_PER_DAY_MAX];
} day_ranges;

typedef struct candidate {
    cs_place place;
    int64_t distance_ms;
} candidate;

/* The scratch of one sweep. */
typedef struct sweep {
    uint32_t opening_count;
    opening openings[OPENINGS_MAX];
    uint32_t candidate_count;
    candidate candidates[CANDIDATES_MAX];
    day_ranges days[DAYS_KEPT];  /* by day % DAYS_KEPT: every entry and court asks for the same days */
    /* By entry row; `now` and the windows do not change in a sweep. A bit
     * per row says its days are worked out, so starting a sweep clears 256
     * bytes, not every row. */
    uint64_t entries_known[CS_WAITLIST_MAX / 64];
    entry_days entries[CS_WAITLIST_MAX];
} sweep;
_Static_assert(CS_WAITLIST_MAX % 64 == 0, "the known bits are whole words");

static void sweep_start(sweep *s) {
    for (uint32_t i = 0; i < DAYS_KEPT; i++) s->days[i].known = false;
    memset(s->entries_known, 0, sizeof s->entries_known);
}

/* The day's ranges, worked out once per sweep (the configuration does not change during one). */
static const day_ranges *ranges_of(const cs_config *c, sweep *s, int64_t day) {
    day_ranges *d = &s->days[(uint64_t)day % DAYS_KEPT];
    if (d->known && d->day == day) return d;
    d->known = true;
    d->day = day;
    d->count = calendar_range_count(c, day);
    CS_ASSERT(d->count <= CS_RANGES_PER_DAY_MAX);
    for (uint32_t i = 0; i < d->count; i++) calendar_range_utc(c, day, i, &d->open_ms[i], &d->close_ms[i]);
    return d;
}

static int32_t entry_priority(const cs_facility *f, const cs_entry *e) {
    const cs_member *m = member_find(f, e->member_id);
    return m != NULL && m->tier != 0 ? f->config.tiers[m->tier - 1].priority : 0;
}

static bool offered_before(const cs_entry *e, uint8_t court, int64_t start_ms) {
    uint32_t kept = e->offered_count < CS_OFFERED_MAX ? e->offered_count : CS_OFFERED_MAX;
    for (uint32_t i = 0; i < kept; i++) {
        if (e->offered[i].court == court && e->offered[i].start_ms == start_ms) return true;
    }
    return false;
}

static bool member_busy(const cs_facility *f, const char *member_id, int64_t start_ms, int64_t end_ms) {
    for (uint32_t i = index_member_first(f, member_id); i != INDEX_END; i = index_member_next(f, i, member_id)) {
        const cs_reservation *res = &f->reservations[i];
        if (res->start_ms < end_ms && start_ms < res->end_ms) return true; /* live: the chain holds no other */
    }
    return false;
}

/* Everything a placement needs: the club's calendar and rules for the
 * entry's member, room on the court, the member free then, and (for offers)
 * a slot not offered to this entry before. */
static bool place_allowed(cs_request *r, const cs_entry *e, cs_place p) {
    cs_facility *f = r->f;
    cs_message ignored;
    int64_t end_ms = p.start_ms + (int64_t)e->duration_minutes * CIVIL_MS_PER_MINUTE;
    if (e->mode == CS_MODE_OFFER && offered_before(e, p.court, p.start_ms)) return false;
    /* It remembers CS_OFFERED_MAX slots: past them it is offered nothing more, never a slot twice. */
    if (e->mode == CS_MODE_OFFER && e->offered_count >= CS_OFFERED_MAX) return false;
    /* An offer is held until its start at the latest: one starting now would lapse as it is made. */
    if (e->mode == CS_MODE_OFFER && p.start_ms <= r->now_ms) return false;
    if (e->party_size > f->config.courts[p.court].capacity) return false;
    /* Every test is a pure yes or no, so the cheap ones (through the
     * indexes) go before the calendar's, which convert times. */
    if (blocks_overlap(f, p.court, p.start_ms, end_ms)) return false;
    uint32_t used = reservation_usage(f, p.court, p.start_ms, end_ms, false, NULL);
    if (used + e->party_size > f->config.courts[p.court].capacity) return false;
    if (member_busy(f, e->member_id, p.start_ms, end_ms)) return false;
    if (calendar_check_slot(&f->config, p.start_ms, end_ms, r->now_ms, &ignored) != CS_OK) return false;
    return rules_check_booking(f, e->member_id, p.start_ms, r->now_ms, NULL, &ignored) == CS_OK;
}

/* Adds the grid starts of court `court` whose interval lies in the entry's
 * window and overlaps the opening. */
static void add_candidates(cs_request *r, sweep *s, const cs_entry *e, uint8_t court, const opening *o,
                           int64_t first_day, int64_t last_day) {
    const cs_config *c = &r->f->config;
    int64_t duration_ms = (int64_t)e->duration_minutes * CIVIL_MS_PER_MINUTE;
    int64_t from = e->earliest_start_ms > r->now_ms ? e->earliest_start_ms : r->now_ms;
    int64_t preferred = e->preferred_start_ms != 0 ? e->preferred_start_ms : e->earliest_start_ms;
    int64_t step_ms = (int64_t)c->grid_minutes * CIVIL_MS_PER_MINUTE;
    for (int64_t day = first_day; day <= last_day; day++) {
        const day_ranges *ranges = ranges_of(c, s, day);
        for (uint32_t i = 0; i < ranges->count; i++) {
            int64_t open_ms = ranges->open_ms[i], close_ms = ranges->close_ms[i];
            for (int64_t t = open_ms; t + duration_ms <= close_ms; t += step_ms) {
                if (t < from || t + duration_ms > e->latest_end_ms) continue;
                if (t >= o->end_ms || t + duration_ms <= o->start_ms) continue;
                if (s->candidate_count == CANDIDATES_MAX) return;
                int64_t distance = t > preferred ? t - preferred : preferred - t;
                s->candidates[s->candidate_count++] = (candidate){{court, t}, distance};
            }
        }
    }
}

/* Candidates in order of distance, then start, then court. The keys are
 * total (equal keys are equal candidates), so the order depends on nothing
 * else, whatever qsort does with equal elements. */
static bool candidate_before(const candidate *a, const candidate *b) {
    if (a->distance_ms != b->distance_ms) return a->distance_ms < b->distance_ms;
    if (a->place.start_ms != b->place.start_ms) return a->place.start_ms < b->place.start_ms;
    return a->place.court < b->place.court;
}

static int compare_candidates(const void *x, const void *y) {
    const candidate *a = x, *b = y;
    return candidate_before(a, b) ? -1 : candidate_before(b, a) ? 1 : 0;
}

static void sort_candidates(sweep *s) { qsort(s->candidates, s->candidate_count, sizeof s->candidates[0], compare_candidates); }

/* The entry's best allowed placement touching an opening. */
static bool best_place(cs_request *r, sweep *s, const cs_entry *e, candidate *best) {
    const cs_config *c = &r->f->config;
    int64_t duration_ms = (int64_t)e->duration_minutes * CIVIL_MS_PER_MINUTE;
    size_t row = (size_t)(e - r->f->entries);
    entry_days *days = &s->entries[row];
    uint64_t bit = UINT64_C(1) << (row % 64);
    if ((s->entries_known[row / 64] & bit) == 0) {
        int64_t from = e->earliest_start_ms > r->now_ms ? e->earliest_start_ms : r->now_ms;
        *days = (entry_days){calendar_local_day(c, from), calendar_local_day(c, e->latest_end_ms)};
        s->entries_known[row / 64] |= bit;
    }
    s->candidate_count = 0;
    for (uint32_t i = 0; i < s->opening_count; i++) {
        opening *o = &s->openings[i];
        /* Only a placement starting in (o->start - duration, o->end) touches
         * the opening. Its local day and the day its range belongs to differ
         * by less than the slack (a day, plus the zone's daylight shift), so
         * days farther from those give nothing: the same candidates, in the
         * same order, from fewer days. */
        if (!o->near_known || o->near_duration_ms != duration_ms) {
            int64_t shift_s = (int64_t)c->zone.dst_offset_s - c->zone.std_offset_s;
            int64_t slack = 2 + (shift_s < 0 ? -shift_s : shift_s) / 86400 + 1;
            o->near_known = true;
            o->near_duration_ms = duration_ms;
            o->near_first_day = o->start_ms > CIVIL_MS_MIN ? calendar_local_day(c, o->start_ms - duration_ms) - slack : INT64_MIN;
            o->near_last_day = o->end_ms < CIVIL_MS_MAX ? calendar_local_day(c, o->end_ms) + slack : INT64_MAX;
        }
        int64_t first_day = days->first > o->near_first_day ? days->first : o->near_first_day;
        int64_t last_day = days->last < o->near_last_day ? days->last : o->near_last_day;
        for (uint8_t court = 0; court < r->f->config.court_count; court++) {
            if (e->court != CS_ALL_COURTS && e->court != court) continue;
            if (o->court != CS_ALL_COURTS && o->court != court) continue;
            add_candidates(r, s, e, court, o, first_day, last_day);
        }
    }
    sort_candidates(s);
    for (uint32_t i = 0; i < s->candidate_count; i++) {
        if (i > 0 && !candidate_before(&s->candidates[i - 1], &s->candidates[i])) continue; /* a duplicate */
        if (place_allowed(r, e, s->candidates[i].place)) {
            *best = s->candidates[i];
            return true;
        }
    }
    return false;
}

/* Offers wait out the facility's quiet hours (local), unless the slot is soon. */
static bool held_back(cs_facility *f, const cs_entry *e, cs_place p, int64_t now_ms) {
    int64_t quiet_began_ms, quiet_end_ms;
    if (e->mode != CS_MODE_OFFER || !calendar_quiet_at(&f->config, f->config.waitlist.quiet, now_ms, &quiet_began_ms, &quiet_end_ms)) {
        return false;
    }
    if (p.start_ms - now_ms <= (int64_t)f->config.waitlist.quiet_bypass_minutes * CIVIL_MS_PER_MINUTE) return false;
    if (f->waitlist_retry_ms == 0 || quiet_end_ms < f->waitlist_retry_ms) {
        f->waitlist_retry_ms = quiet_end_ms;
        f->changed = true; /* stored state: the host logs the command, so a replay sets it too */
    }
    return true;
}

/* Entry a is served before entry b: priority, then distance, then first come. */
static bool entry_before(const cs_facility *f, const cs_entry *a, int64_t da, const cs_entry *b, int64_t db) {
    int32_t pa = entry_priority(f, a), pb = entry_priority(f, b);
    if (pa != pb) return pa > pb;
    if (da != db) return da < db;
    return a->sequence < b->sequence;
}

/* The places opened by this command's events since `from`. */
static void collect_openings(cs_facility *f, sweep *s, uint32_t from, bool everything) {
    s->opening_count = 0;
    for (uint32_t i = from; i < f->event_count && !everything; i++) {
        const cs_event *event = &f->events[i];
        if (event->type == CS_EVENT_FACILITY_UPDATED) everything = true;
        if (event->type != CS_EVENT_SLOT_RELEASED) continue;
        if (s->opening_count == OPENINGS_MAX) {
            everything = true;
            break;
        }
        s->openings[s->opening_count++] = (opening){.court = event->court, .start_ms = event->start_ms, .end_ms = event->end_ms};
    }
    if (everything) {
        s->openings[0] = (opening){.court = CS_ALL_COURTS, .start_ms = CIVIL_MS_MIN, .end_ms = CIVIL_MS_MAX};
        s->opening_count = 1;
    }
}

/* Serves one entry at a time until nobody can be served (or a table is full). */
static void serve_all(cs_request *r, sweep *s) {
    cs_facility *f = r->f;
    while (f->promotion_count < CS_PROMOTIONS_MAX) {
        cs_entry *best = NULL;
        candidate best_place_found = {0};
        for (uint32_t i = 0, seen = 0; i < CS_WAITLIST_MAX && seen < f->entry_count; i++) {
            cs_entry *e = &f->entries[i];
            candidate place;
            seen += e->in_use;
            if (!e->in_use || e->state != CS_ENTRY_WAITING || !best_place(r, s, e, &place)) continue;
            if (held_back(f, e, place.place, r->now_ms)) continue;
            if (best == NULL || entry_before(f, e, place.distance_ms, best, best_place_found.distance_ms)) {
                best = e;
                best_place_found = place;
            }
        }
        if (best == NULL || !waitlist_serve_entry(r, best, best_place_found.place)) return;
    }
}

void matcher_run(cs_request *r) {
    cs_facility *f = r->f;
    bool retry = f->waitlist_retry_ms != 0 && f->waitlist_retry_ms <= r->now_ms;
    if (!f->waitlist_due && !retry) return;
    if (retry) {
        f->waitlist_retry_ms = 0;
        f->changed = true; /* stored state, as in held_back */
    }
    sweep s; /* about 104 KiB: the stack has 1 MiB */
    sweep_start(&s);
    collect_openings(f, &s, f->events_matched, retry);
    f->waitlist_due = false;
    f->events_matched = f->event_count;
    if (s.opening_count > 0) serve_all(r, &s);
    f->events_matched = f->event_count;
}

bool matcher_place_now(cs_request *r, const cs_entry *e, cs_place *place) {
    sweep s;
    candidate found;
    sweep_start(&s);
    s.openings[0] = (opening){.court = CS_ALL_COURTS, .start_ms = CIVIL_MS_MIN, .end_ms = CIVIL_MS_MAX};
    s.opening_count = 1;
    if (!best_place(r, &s, e, &found)) return false;
    *place = found.place;
    return true;
}
