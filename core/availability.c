/* availability.c: one local day of the facility as slots per court, the
 * view the live board starts from. Slots step through each opening range
 * in real time, so daylight-saving days have their true number of slots.
 * The day's bounds and ranges are converted to UTC once for all courts,
 * and so is the text of each slot's times (the grid is every court's); a
 * court's reservations on the day are gathered once (as compact spans
 * when few), and its slots are written in place as one run of bytes (the
 * text the JSON writer would make of them: nothing in a slot needs an
 * escape). A court-day whose text was written before, with nothing it
 * depends on changed since, is copied from day_text.c without reading its
 * reservations. */
#include <string.h>

#include "civil.h"
#include "core.h"

/* The slots a day keeps facts about (the text of their times, which of
 * them a reservation touches): every slot of a day of 25 hours on the
 * finest grid. A day longer still (a zone rule shifting its clocks by more
 * than an hour) has its later slots worked out in full for each court. */
enum { DAY_SLOTS_MAX = 25 * 60 / CS_GRID_MINUTES_MIN };

/* The live reservations on a court that overlap the day: `rows`/`count`,
 * and their spans when there are few enough (`spans` NULL otherwise), with
 * how many spans overlap each of the day's first DAY_SLOTS_MAX slots (0, 1
 * or 2 for more) and the one when one does; whether a block closes some of
 * the day. */
typedef struct court_day {
    uint8_t court;
    const uint32_t *rows;
    uint32_t count;
    const reservation_span *spans;
    const uint8_t *touches;
    const uint8_t *toucher;
    bool blocked;
} court_day;

typedef enum slot_state { SLOT_AVAILABLE, SLOT_PENDING, SLOT_RESERVED, SLOT_CLOSED } slot_state;

/* A slot's text from its end time to its remaining places, per state, in
 * arrays of one size so that each is copied at a fixed size. */
enum { STATE_TEXT_MAX = 48 };
static const struct {
    char text[STATE_TEXT_MAX];
    size_t len;
} state_texts[] = {
#define STATE_TEXT(name) {"\",\"status\":\"" name "\",\"remaining\":", sizeof "\",\"status\":\"" name "\",\"remaining\":" - 1}
    [SLOT_AVAILABLE] = STATE_TEXT("available"),
    [SLOT_PENDING] = STATE_TEXT("pending"),
    [SLOT_RESERVED] = STATE_TEXT("reserved"),
    [SLOT_CLOSED] = STATE_TEXT("closed"),
#undef STATE_TEXT
};

/* The state of the day's slot `k`, [start, end), and its places left. */
static slot_state slot_status(const cs_facility *f, const court_day *d, uint32_t k, int64_t start_ms, int64_t end_ms,
                              uint32_t *remaining) {
    uint32_t capacity = f->config.courts[d->court].capacity;
    if (d->blocked && blocks_overlap(f, d->court, start_ms, end_ms)) {
        *remaining = 0;
        return SLOT_CLOSED;
    }
    uint32_t used, confirmed;
    if (d->spans != NULL && k < DAY_SLOTS_MAX && d->touches[k] < 2) {
        /* No span in the slot, or one: its places, at some instant of it. */
        const reservation_span *span = &d->spans[d->toucher[k]];
        used = d->touches[k] == 0 ? 0 : span->places;
        confirmed = d->touches[k] == 0 || !span->confirmed ? 0 : span->places;
#ifndef NDEBUG
        uint32_t check_used, check_confirmed;
        reservation_span_peaks(d->spans, d->count, start_ms, end_ms, &check_used, &check_confirmed);
        CS_ASSERT(used == check_used && confirmed == check_confirmed);
#endif
    } else if (d->spans != NULL) {
        reservation_span_peaks(d->spans, d->count, start_ms, end_ms, &used, &confirmed);
    } else {
        used = reservation_peak(f, d->rows, d->count, start_ms, end_ms, false);
        confirmed = used < capacity ? 0 : reservation_peak(f, d->rows, d->count, start_ms, end_ms, true);
    }
    *remaining = used < capacity ? capacity - used : 0;
    if (used < capacity) return SLOT_AVAILABLE;
    return confirmed >= capacity ? SLOT_RESERVED : SLOT_PENDING;
}

/* A slot's times as text, `{"startTime":"..","endTime":"..`, in an array
 * of one size so that it is copied at a fixed size. */
enum { SLOT_TIMES_MAX = 2 * CIVIL_RFC3339_MAX + 32 };
_Static_assert(SLOT_TIMES_MAX >= sizeof "{\"startTime\":\"" + sizeof "\",\"endTime\":\"" + 2 * CIVIL_RFC3339_MAX,
               "a slot's times and the fixed-size copies of them fit");
typedef struct slot_times {
    size_t len;
    char text[SLOT_TIMES_MAX];
} slot_times;

/* The local day in UTC: its bounds (widened to its slots', which a zone
 * rule moving its clocks across midnight can put outside them), where the
 * reservations that may overlap it start (every court's), its opening
 * ranges and their slots (range i's slot j starts at open_ms[i] + j
 * step_ms), and the text of its first `slots_known` slots' times, kept as
 * the first court's slots are written. */
typedef struct day_utc {
    int64_t local_day;
    int64_t start_ms;
    int64_t end_ms;
    int64_t starts_from_ms; /* reservation_starts_between(start, end) */
    int64_t starts_to_ms;
    uint32_t range_count;
    int64_t open_ms[CS_RANGES_PER_DAY_MAX];
    uint32_t range_slots[CS_RANGES_PER_DAY_MAX];
    int64_t step_ms;
    uint32_t slot_count; /* of all ranges */
    uint32_t slots_known;
    slot_times slots[DAY_SLOTS_MAX];
} day_utc;

static size_t append_text(char *out, size_t len, const char *text) {
    size_t n = strlen(text);
    memcpy(out + len, text, n);
    return len + n;
}

/* Slot times as text: a slot's start is most often the end before it,
 * written once; other days' dates come from the memo. */
typedef struct slot_clock {
    civil_date_memo memo;
    int64_t last_ms;
    size_t last_len; /* 0: none yet */
    char last[CIVIL_RFC3339_MAX];
} slot_clock;

/* Writes the time at `out`, which has room for CIVIL_RFC3339_MAX bytes
 * (copied whole: a fixed size copies faster than the text's length). */
static size_t write_time(slot_clock *clock, int64_t ms, char *out) {
    if (clock->last_len > 0 && clock->last_ms == ms) {
        memcpy(out, clock->last, sizeof clock->last);
        return clock->last_len;
    }
    size_t len = civil_format_rfc3339_memo(ms, out, &clock->memo);
    memcpy(clock->last, out, sizeof clock->last);
    clock->last_ms = ms;
    clock->last_len = len;
    return len;
}

/* Writes slot `k`'s times at `out`, which has room for SLOT_TIMES_MAX
 * bytes: copied from the day when an earlier court wrote them, else
 * formatted (and kept, while the day has room). */
static size_t write_times(day_utc *day, uint32_t k, int64_t start_ms, int64_t end_ms, slot_clock *clock, char *out) {
    if (k < day->slots_known) {
        memcpy(out, day->slots[k].text, SLOT_TIMES_MAX);
        return day->slots[k].len;
    }
    size_t len = append_text(out, 0, "{\"startTime\":\"");
    len += write_time(clock, start_ms, out + len);
    len = append_text(out, len, "\",\"endTime\":\"");
    len += write_time(clock, end_ms, out + len);
    CS_ASSERT(len <= SLOT_TIMES_MAX);
    if (k == day->slots_known && k < DAY_SLOTS_MAX) {
        memcpy(day->slots[k].text, out, SLOT_TIMES_MAX);
        day->slots[k].len = len;
        day->slots_known++;
    }
    return len;
}

/* Room for what the fixed-size copies of a slot write, past the text they
 * leave: the times, the state's text, ten digits, the brace and a comma. */
enum { SLOT_MAX = SLOT_TIMES_MAX + STATE_TEXT_MAX + 16 };

/* {"startTime":..,"endTime":..,"status":..,"remaining":..}, the day's slot
 * `k`, at `out`, which has room for SLOT_MAX bytes; returns its length. */
static size_t write_slot(char *out, const cs_facility *f, const court_day *d, day_utc *day, uint32_t k, int64_t start_ms,
                         slot_clock *clock) {
    int64_t end_ms = start_ms + day->step_ms;
    uint32_t remaining;
    slot_state state = slot_status(f, d, k, start_ms, end_ms, &remaining);
    char digits[10];
    size_t len = write_times(day, k, start_ms, end_ms, clock, out);
    memcpy(out + len, state_texts[state].text, STATE_TEXT_MAX);
    len += state_texts[state].len;
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + remaining % 10);
        remaining /= 10;
    } while (remaining != 0);
    while (n > 0) out[len++] = digits[--n];
    out[len++] = '}';
    CS_ASSERT(len < SLOT_MAX);
    return len;
}

/* Counts in `touches` the spans overlapping each of the day's first
 * DAY_SLOTS_MAX slots (up to 2), and keeps in `toucher` the last one. */
static void count_touches(const day_utc *day, const reservation_span *spans, uint32_t count, uint8_t *touches,
                          uint8_t *toucher) {
    CS_ASSERT(count <= RESERVATION_SPANS_MAX && RESERVATION_SPANS_MAX <= UINT8_MAX + 1);
    uint32_t known = day->slot_count < DAY_SLOTS_MAX ? day->slot_count : DAY_SLOTS_MAX;
    memset(touches, 0, known);
    memset(toucher, 0, known);
    int64_t step = day->step_ms;
    uint32_t first = 0; /* the range's first slot */
    for (uint32_t i = 0; i < day->range_count; i++) {
        int64_t open = day->open_ms[i], slots = day->range_slots[i];
        for (uint32_t s = 0; s < count; s++) {
            if (spans[s].to_ms <= open || spans[s].from_ms >= open + slots * step) continue;
            int64_t from = spans[s].from_ms <= open ? 0 : (spans[s].from_ms - open) / step;
            int64_t to = (spans[s].to_ms - open + step - 1) / step; /* past the last slot it overlaps */
            if (to > slots) to = slots;
            for (int64_t j = from; j < to && first + j < known; j++) {
                touches[first + j] += touches[first + j] < 2;
                toucher[first + j] = (uint8_t)s;
            }
        }
        first += day->range_slots[i];
    }
}

/* Writes the court's slots at `out`, which has room for SLOT_MAX bytes a
 * slot and the brackets; returns the length. */
static size_t write_slots(char *out, cs_facility *f, const court_day *d, day_utc *day) {
    slot_clock clock = {.last_len = 0}; /* a day's slots fall on one or two UTC dates */
    size_t len = 0;
    uint32_t k = 0;
    out[len++] = '[';
    for (uint32_t i = 0; i < day->range_count; i++) {
        int64_t t = day->open_ms[i];
        for (uint32_t j = 0; j < day->range_slots[i]; j++, t += day->step_ms) {
            if (k > 0) out[len++] = ',';
            len += write_slot(out + len, f, d, day, k++, t, &clock);
        }
    }
    out[len++] = ']';
    return len;
}

static void write_court(json_writer *w, cs_facility *f, uint8_t court, day_utc *day) {
    const cs_config *c = &f->config;
    /* The court's text as written for the same day before, when nothing
     * it depends on has changed since: its reservations by the place
     * index's stamp (a block's effect, too complex to key, never). */
    day_text_key key = {.local_day = day->local_day,
                        .court = court,
                        .config_changes = f->config_changes,
                        .starts_from_ms = day->starts_from_ms,
                        .starts_to_ms = day->starts_to_ms};
    bool blocked = blocks_overlap(f, court, day->start_ms, day->end_ms);
    bool keyed = !blocked && index_place_stamp(f, court, key.starts_from_ms, key.starts_to_ms, &key.stamp);
    size_t kept_len = 0;
    const char *kept = keyed ? day_text_find(f, &key, &kept_len) : NULL;
#ifdef NDEBUG
    if (kept != NULL) {
        json_raw(w, kept, kept_len);
        return;
    }
#endif
    json_object_begin(w);
    size_t start = w->len - 1; /* at its brace */
    json_key(w, "courtId");
    json_string(w, c->courts[court].id);
    json_key(w, "capacity");
    json_int(w, c->courts[court].capacity);
    json_key(w, "slots");
    /* The day's reservations, once, rather than the whole table per slot;
     * as compact spans when few (the usual day). */
    uint32_t count = reservation_overlapping(f, court, day->start_ms, day->end_ms, NULL, f->rows);
    reservation_span spans[RESERVATION_SPANS_MAX];
    uint8_t touches[DAY_SLOTS_MAX], toucher[DAY_SLOTS_MAX];
    bool compact = count <= RESERVATION_SPANS_MAX;
    if (compact) {
        reservation_spans(f, f->rows, count, spans);
        count_touches(day, spans, count, touches, toucher);
    }
    court_day d = {.court = court,
                   .rows = f->rows,
                   .count = count,
                   .spans = compact ? spans : NULL,
                   .touches = touches,
                   .toucher = toucher,
                   .blocked = blocked};
    /* The array as one run of bytes: its brackets, the slots and the commas. */
    char *out = json_raw_begin(w, (size_t)day->slot_count * SLOT_MAX + 2);
    if (out != NULL) json_raw_end(w, write_slots(out, f, &d, day));
    json_object_end(w);
    if (w->overflow) return;
    /* Debug builds write every court-day and check a kept text against it. */
    const char *text = (const char *)w->buf + start;
    size_t len = w->len - start;
    CS_ASSERT(text[0] == '{' && text[len - 1] == '}');
    CS_ASSERT(kept == NULL || (kept_len == len && memcmp(kept, text, len) == 0));
    if (keyed && kept == NULL) day_text_keep(f, &key, text, len);
}

enum { AVAILABILITY_FACILITY, AVAILABILITY_DATE, AVAILABILITY_KNOWN_SEQ, AVAILABILITY_FIELDS };
static const char *const availability_fields[AVAILABILITY_FIELDS + 1] = {
    [AVAILABILITY_FACILITY] = "facilityId", [AVAILABILITY_DATE] = "date", [AVAILABILITY_KNOWN_SEQ] = "knownSeq",
    [AVAILABILITY_FIELDS] = NULL};

cs_error availability_day(cs_request *r) {
    cs_facility *f = r->f;
    uint32_t v[AVAILABILITY_FIELDS];
    int64_t local_day, known_seq;
    bool has_known;
    cs_error e = args_gather(&r->args, availability_fields, v, AVAILABILITY_FIELDS);
    if (e == CS_OK) e = facility_check_id_at(r, v[AVAILABILITY_FACILITY]);
    if (e != CS_OK) return e;
    uint32_t node = v[AVAILABILITY_DATE];
    const json_node *n = node != 0 ? json_at(r->args.doc, node) : NULL;
    if (n == NULL) {
        local_day = calendar_local_day(&f->config, r->now_ms); /* today, where the facility is */
    } else if (n->type != JSON_STRING || !civil_parse_date(json_text(r->args.doc, node), n->str_len, &local_day) ||
               local_day >= CIVIL_MS_MAX / CIVIL_MS_PER_DAY) {
        return cs_fail_field(&r->f->message, "date", "must be a date such as 2026-12-30");
    }
    e = args_int_at(&r->args, "knownSeq", v[AVAILABILITY_KNOWN_SEQ], false, 0, INT64_MAX, &known_seq, &has_known);
    if (e != CS_OK) return e;
    if (has_known && (uint64_t)known_seq == f->seq) return CS_ERR_NOT_MODIFIED;

    json_writer *w = r->reply;
    json_object_begin(w);
    json_key(w, "success");
    json_bool(w, true);
    json_key(w, "facilityId");
    json_string(w, f->config.facility_id);
    char date[CIVIL_DATE_MAX];
    json_key(w, "date");
    json_string_n(w, date, civil_format_date(local_day, date));
    json_key(w, "seq");
    json_int(w, (int64_t)f->seq);
    const cs_config *c = &f->config;
    day_utc day;
    day.local_day = local_day;
    day.start_ms = zone_local_to_utc(&c->zone, local_day * CIVIL_MS_PER_DAY);
    day.end_ms = zone_local_to_utc(&c->zone, (local_day + 1) * CIVIL_MS_PER_DAY);
    day.range_count = calendar_range_count(c, local_day);
    day.slots_known = 0;
    CS_ASSERT(day.range_count <= CS_RANGES_PER_DAY_MAX);
    day.step_ms = (int64_t)c->grid_minutes * CIVIL_MS_PER_MINUTE;
    day.slot_count = 0;
    for (uint32_t i = 0; i < day.range_count; i++) {
        int64_t open_ms, close_ms;
        calendar_range_utc(c, local_day, i, &open_ms, &close_ms);
        uint32_t slots = close_ms > open_ms ? (uint32_t)((close_ms - open_ms) / day.step_ms) : 0;
        day.open_ms[i] = open_ms;
        day.range_slots[i] = slots;
        day.slot_count += slots;
        if (slots == 0) continue;
        if (open_ms < day.start_ms) day.start_ms = open_ms;
        if (open_ms + slots * day.step_ms > day.end_ms) day.end_ms = open_ms + slots * day.step_ms;
    }
    reservation_starts_between(f, day.start_ms, day.end_ms, &day.starts_from_ms, &day.starts_to_ms);
    json_key(w, "courts");
    json_array_begin(w);
    for (uint8_t court = 0; court < f->config.court_count; court++) write_court(w, f, court, &day);
    json_array_end(w);
    json_object_end(w);
    return CS_OK;
}
