/* availability.c: one local day of the facility as slots per court, the
 * view the live board starts from. Slots step through each opening range
 * in real time, so daylight-saving days have their true number of slots. */
#include "civil.h"
#include "core.h"

/* `rows`/`count`: the live reservations on `court` that overlap the day. */
static const char *slot_status(const cs_facility *f, uint8_t court, const uint32_t *rows, uint32_t count,
                               int64_t start_ms, int64_t end_ms, uint32_t *remaining) {
    uint32_t capacity = f->config.courts[court].capacity;
    if (blocks_overlap(f, court, start_ms, end_ms)) {
        *remaining = 0;
        return "closed";
    }
    uint32_t used = reservation_peak(f, rows, count, start_ms, end_ms, false);
    *remaining = used < capacity ? capacity - used : 0;
    if (used < capacity) return "available";
    return reservation_peak(f, rows, count, start_ms, end_ms, true) >= capacity ? "reserved" : "pending";
}

static void write_slot(json_writer *w, const cs_facility *f, uint8_t court, const uint32_t *rows, uint32_t count,
                       int64_t start_ms, int64_t end_ms, civil_date_memo *memo) {
    uint32_t remaining;
    const char *status = slot_status(f, court, rows, count, start_ms, end_ms, &remaining);
    json_object_begin(w);
    json_key(w, "startTime");
    cs_write_time_memo(w, start_ms, memo);
    json_key(w, "endTime");
    cs_write_time_memo(w, end_ms, memo);
    json_key(w, "status");
    json_string(w, status);
    json_key(w, "remaining");
    json_int(w, remaining);
    json_object_end(w);
}

static void write_court(json_writer *w, cs_facility *f, uint8_t court, int64_t local_day) {
    const cs_config *c = &f->config;
    /* The day's reservations, once, rather than the whole table per slot. */
    int64_t day_start = zone_local_to_utc(&c->zone, local_day * CIVIL_MS_PER_DAY);
    int64_t day_end = zone_local_to_utc(&c->zone, (local_day + 1) * CIVIL_MS_PER_DAY);
    uint32_t count = reservation_overlapping(f, court, day_start, day_end, NULL, f->rows);
    int64_t step_ms = (int64_t)c->grid_minutes * CIVIL_MS_PER_MINUTE;
    json_object_begin(w);
    json_key(w, "courtId");
    json_string(w, c->courts[court].id);
    json_key(w, "capacity");
    json_int(w, c->courts[court].capacity);
    json_key(w, "slots");
    json_array_begin(w);
    uint32_t ranges = calendar_range_count(c, local_day);
    civil_date_memo memo = {0}; /* a day's slots fall on one or two UTC dates */
    for (uint32_t i = 0; i < ranges; i++) {
        int64_t open_ms, close_ms;
        calendar_range_utc(c, local_day, i, &open_ms, &close_ms);
        for (int64_t t = open_ms; t + step_ms <= close_ms; t += step_ms) {
            write_slot(w, f, court, f->rows, count, t, t + step_ms, &memo);
        }
    }
    json_array_end(w);
    json_object_end(w);
}

static const char *const availability_fields[] = {"facilityId", "date", "knownSeq", NULL};

cs_error availability_day(cs_request *r) {
    cs_facility *f = r->f;
    uint32_t node;
    int64_t local_day, known_seq;
    bool has_known;
    cs_error e = args_check_known(&r->args, availability_fields);
    if (e == CS_OK) e = facility_check_id(r);
    if (e == CS_OK) e = args_find(&r->args, "date", &node);
    if (e != CS_OK) return e;
    const json_node *n = node != 0 ? json_at(r->args.doc, node) : NULL;
    if (n == NULL) {
        local_day = calendar_local_day(&f->config, r->now_ms); /* today, where the facility is */
    } else if (n->type != JSON_STRING || !civil_parse_date(json_text(r->args.doc, node), n->str_len, &local_day) ||
               local_day >= CIVIL_MS_MAX / CIVIL_MS_PER_DAY) {
        return cs_fail_field(&r->f->message, "date", "must be a date such as 2026-12-30");
    }
    e = args_int(&r->args, "knownSeq", false, 0, INT64_MAX, &known_seq, &has_known);
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
    json_key(w, "courts");
    json_array_begin(w);
    for (uint8_t court = 0; court < f->config.court_count; court++) write_court(w, f, court, local_day);
    json_array_end(w);
    json_object_end(w);
    return CS_OK;
}
