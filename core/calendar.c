/* calendar.c: the facility's local calendar: where a local day's opening
 * ranges fall in UTC (so daylight-saving days get their true length) and
 * the club rules every slot must meet. */
#include "civil.h"
#include "core.h"

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t calendar_local_day(const cs_config *c, int64_t utc_ms) {
    return floor_div(zone_utc_to_local(&c->zone, utc_ms), CIVIL_MS_PER_DAY);
}

uint32_t calendar_range_count(const cs_config *c, int64_t local_day) {
    return c->range_count[civil_weekday(local_day)];
}

void calendar_range_utc(const cs_config *c, int64_t local_day, uint32_t i, int64_t *open_ms, int64_t *close_ms) {
    const cs_range *range = &c->ranges[civil_weekday(local_day)][i];
    int64_t midnight = local_day * CIVIL_MS_PER_DAY;
    *open_ms = zone_local_to_utc(&c->zone, midnight + (int64_t)range->open_minute * CIVIL_MS_PER_MINUTE);
    *close_ms = zone_local_to_utc(&c->zone, midnight + (int64_t)range->close_minute * CIVIL_MS_PER_MINUTE);
}

static bool duration_allowed(const cs_config *c, int64_t duration_ms) {
    if (duration_ms % CIVIL_MS_PER_MINUTE != 0) return false;
    for (uint32_t i = 0; i < c->duration_count; i++) {
        if (duration_ms == (int64_t)c->durations_minutes[i] * CIVIL_MS_PER_MINUTE) return true;
    }
    return false;
}

static cs_error fail_duration(const cs_config *c, cs_message *m) {
    cs_fail_rule(m, "duration", "allowed durations are");
    for (uint32_t i = 0; i < c->duration_count; i++) {
        cs_message_text(m, i == 0 ? " " : ", ");
        cs_message_int(m, c->durations_minutes[i]);
    }
    cs_message_text(m, " minutes");
    return CS_ERR_RULE_VIOLATION;
}

static bool within_opening_hours(const cs_config *c, int64_t local_day, int64_t start_ms, int64_t end_ms) {
    uint32_t count = calendar_range_count(c, local_day);
    for (uint32_t i = 0; i < count; i++) {
        int64_t open_ms, close_ms;
        calendar_range_utc(c, local_day, i, &open_ms, &close_ms);
        if (open_ms <= start_ms && end_ms <= close_ms) return true;
    }
    return false;
}

cs_error calendar_check_slot(const cs_config *c, int64_t start_ms, int64_t end_ms, int64_t now_ms, cs_message *m) {
    CS_ASSERT(start_ms < end_ms);
    if (start_ms < now_ms) return cs_fail_rule(m, "start_in_past", "the slot has already started");
    int64_t local_start = zone_utc_to_local(&c->zone, start_ms);
    int64_t local_day = calendar_local_day(c, start_ms);
    int64_t minute_of_day = (local_start - local_day * CIVIL_MS_PER_DAY) / CIVIL_MS_PER_MINUTE;
    if (local_start % CIVIL_MS_PER_MINUTE != 0 || minute_of_day % c->grid_minutes != 0) {
        cs_fail_rule(m, "booking_grid", "bookings start on the ");
        cs_message_int(m, c->grid_minutes);
        cs_message_text(m, "-minute grid of local time");
        return CS_ERR_RULE_VIOLATION;
    }
    if (!duration_allowed(c, end_ms - start_ms)) return fail_duration(c, m);
    if (!within_opening_hours(c, local_day, start_ms, end_ms)) {
        return cs_fail_rule(m, "opening_hours", "the slot is outside the facility's opening hours");
    }
    return CS_OK;
}

cs_error calendar_read_quiet_hours(const cs_args *a, const char *field, cs_quiet_hours *quiet) {
    uint32_t node;
    *quiet = (cs_quiet_hours){-1, -1};
    cs_error e = args_find(a, field, &node);
    if (e != CS_OK || node == 0 || json_at(a->doc, node)->type == JSON_NULL) return e;
    const json_node *n = json_at(a->doc, node);
    const char *text = json_text(a->doc, node);
    int32_t start, end;
    if (n->type != JSON_STRING || n->str_len != 11 || text[5] != '-' || !civil_parse_hhmm(text, 5, &start) ||
        !civil_parse_hhmm(text + 6, 5, &end) || start == end || start >= 1440 || end >= 1440) {
        return cs_fail_field(a->message, field, "must be local \"HH:MM-HH:MM\" such as \"22:00-07:00\", or null");
    }
    *quiet = (cs_quiet_hours){(int16_t)start, (int16_t)end};
    return CS_OK;
}

void calendar_write_quiet_hours(json_writer *w, cs_quiet_hours quiet) {
    if (quiet.start_minute < 0) {
        json_null(w);
        return;
    }
    char text[12];
    civil_format_hhmm(quiet.start_minute, text);
    text[5] = '-';
    civil_format_hhmm(quiet.end_minute, text + 6);
    json_string(w, text);
}

bool calendar_quiet_at(const cs_config *c, cs_quiet_hours quiet, int64_t utc_ms, int64_t *began_ms, int64_t *ends_ms) {
    if (quiet.start_minute < 0) return false;
    int64_t day = calendar_local_day(c, utc_ms);
    int64_t minute = (zone_utc_to_local(&c->zone, utc_ms) - day * CIVIL_MS_PER_DAY) / CIVIL_MS_PER_MINUTE;
    bool wraps = quiet.start_minute > quiet.end_minute;
    bool inside = wraps ? (minute >= quiet.start_minute || minute < quiet.end_minute)
                        : (minute >= quiet.start_minute && minute < quiet.end_minute);
    if (!inside) return false;
    /* The local day they began on: yesterday, for the morning part of a stretch past midnight. */
    int64_t start_day = wraps && minute < quiet.end_minute ? day - 1 : day;
    int64_t end_day = wraps ? start_day + 1 : start_day;
    *began_ms = zone_local_to_utc(&c->zone, start_day * CIVIL_MS_PER_DAY + (int64_t)quiet.start_minute * CIVIL_MS_PER_MINUTE);
    *ends_ms = zone_local_to_utc(&c->zone, end_day * CIVIL_MS_PER_DAY + (int64_t)quiet.end_minute * CIVIL_MS_PER_MINUTE);
    return true;
}
