/* rules.c: the club's booking rules: reading and describing a rule set,
 * choosing a member's rules by tier, and checking a member's booking
 * against them (booking window, minimum notice, active reservations,
 * bookings per day) and a cancellation against the late-cancel cutoff. */
#include <string.h>

#include "civil.h"
#include "core.h"

static const char *const rule_fields[] = {"windowDays",          "windowOpensAt",  "minNoticeMinutes",
                                          "maxActiveReservations", "maxBookingsPerDay", "cancelCutoffMinutes",
                                          NULL};

cs_error rules_read(const cs_args *a, cs_rules *rules) {
    int64_t value;
    bool present;
    uint32_t node;
    memset(rules, 0, sizeof *rules);
    rules->window_opens_minute = -1;
    cs_error e = args_check_known(a, rule_fields);
    if (e == CS_OK) e = args_int(a, "windowDays", false, 0, 730, &value, &present);
    if (e == CS_OK && present) rules->window_days = (uint16_t)value;
    if (e == CS_OK) e = args_int(a, "minNoticeMinutes", false, 0, 525600, &value, &present);
    if (e == CS_OK && present) rules->min_notice_minutes = (uint32_t)value;
    if (e == CS_OK) e = args_int(a, "maxActiveReservations", false, 0, 1000, &value, &present);
    if (e == CS_OK && present) rules->max_active = (uint16_t)value;
    if (e == CS_OK) e = args_int(a, "maxBookingsPerDay", false, 0, 100, &value, &present);
    if (e == CS_OK && present) rules->max_per_day = (uint16_t)value;
    if (e == CS_OK) e = args_int(a, "cancelCutoffMinutes", false, 0, 525600, &value, &present);
    if (e == CS_OK && present) rules->cancel_cutoff_minutes = (uint32_t)value;
    if (e == CS_OK) e = args_find(a, "windowOpensAt", &node);
    if (e != CS_OK || node == 0 || json_at(a->doc, node)->type == JSON_NULL) return e;
    const json_node *n = json_at(a->doc, node);
    int32_t minute;
    if (n->type != JSON_STRING || !civil_parse_hhmm(json_text(a->doc, node), n->str_len, &minute) || minute >= 1440) {
        return cs_fail_field(a->message, "windowOpensAt", "must be a local time such as \"07:00\", or null");
    }
    rules->window_opens_minute = (int16_t)minute;
    return CS_OK;
}

void rules_write(json_writer *w, const cs_rules *rules) {
    json_object_begin(w);
    json_key(w, "windowDays");
    json_int(w, rules->window_days);
    json_key(w, "windowOpensAt");
    if (rules->window_opens_minute < 0) {
        json_null(w);
    } else {
        char text[6];
        civil_format_hhmm(rules->window_opens_minute, text);
        json_string(w, text);
    }
    json_key(w, "minNoticeMinutes");
    json_int(w, rules->min_notice_minutes);
    json_key(w, "maxActiveReservations");
    json_int(w, rules->max_active);
    json_key(w, "maxBookingsPerDay");
    json_int(w, rules->max_per_day);
    json_key(w, "cancelCutoffMinutes");
    json_int(w, rules->cancel_cutoff_minutes);
    json_object_end(w);
}

const cs_rules *rules_for_member(const cs_facility *f, const char *member_id) {
    const cs_member *m = member_find(f, member_id);
    return m != NULL && m->tier != 0 ? &f->config.tiers[m->tier - 1].rules : &f->config.rules;
}

/* The last local day a member may book into now. */
static int64_t window_last_day(const cs_config *c, const cs_rules *rules, int64_t now_ms) {
    int64_t today = calendar_local_day(c, now_ms);
    int64_t minute_now = (zone_utc_to_local(&c->zone, now_ms) - today * CIVIL_MS_PER_DAY) / CIVIL_MS_PER_MINUTE;
    return today + rules->window_days - (minute_now < rules->window_opens_minute ? 1 : 0);
}

static cs_error check_window(const cs_config *c, const cs_rules *rules, int64_t start_ms, int64_t now_ms,
                             cs_message *m) {
    if (rules->window_days == 0) return CS_OK;
    bool too_far = rules->window_opens_minute < 0
                       ? start_ms > now_ms + (int64_t)rules->window_days * CIVIL_MS_PER_DAY
                       : calendar_local_day(c, start_ms) > window_last_day(c, rules, now_ms);
    if (!too_far) return CS_OK;
    cs_fail_rule(m, "booking_window", "members can book at most ");
    cs_message_int(m, rules->window_days);
    cs_message_text(m, " days ahead");
    return CS_ERR_RULE_VIOLATION;
}

/* The member's live upcoming reservations, and those on the local day of `start`. */
static void count_member(const cs_facility *f, const char *member_id, int64_t start_ms, int64_t now_ms,
                         const cs_reservation *except, uint32_t *active, uint32_t *same_day) {
    int64_t day = calendar_local_day(&f->config, start_ms);
    *active = 0;
    *same_day = 0;
    for (uint32_t i = index_member_first(f, member_id); i != INDEX_END; i = index_member_next(f, i, member_id)) {
        const cs_reservation *r = &f->reservations[i];
        if (r == except) continue; /* the chain holds live rows only */
        if (r->end_ms > now_ms) (*active)++;
        if (calendar_local_day(&f->config, r->start_ms) == day) (*same_day)++;
    }
}

cs_error rules_check_booking(const cs_facility *f, const char *member_id, int64_t start_ms, int64_t now_ms,
                             const cs_reservation *except, cs_message *m) {
    const cs_rules *rules = rules_for_member(f, member_id);
    cs_error e = check_window(&f->config, rules, start_ms, now_ms, m);
    if (e != CS_OK) return e;
    if (start_ms - now_ms < (int64_t)rules->min_notice_minutes * CIVIL_MS_PER_MINUTE) {
        cs_fail_rule(m, "min_notice", "bookings must be made at least ");
        cs_message_int(m, rules->min_notice_minutes);
        cs_message_text(m, " minutes before they start");
        return CS_ERR_RULE_VIOLATION;
    }
    uint32_t active, same_day;
    count_member(f, member_id, start_ms, now_ms, except, &active, &same_day);
    if (rules->max_active != 0 && active >= rules->max_active) {
        cs_fail_rule(m, "max_active_reservations", "a member may hold at most ");
        cs_message_int(m, rules->max_active);
        cs_message_text(m, " upcoming reservations");
        return CS_ERR_RULE_VIOLATION;
    }
    if (rules->max_per_day != 0 && same_day >= rules->max_per_day) {
        cs_fail_rule(m, "max_bookings_per_day", "a member may have at most ");
        cs_message_int(m, rules->max_per_day);
        cs_message_text(m, " reservations on one day");
        return CS_ERR_RULE_VIOLATION;
    }
    return CS_OK;
}

bool rules_cancel_is_late(const cs_facility *f, const cs_reservation *r, int64_t now_ms) {
    const cs_rules *rules = rules_for_member(f, r->member_id);
    return r->status == CS_CONFIRMED && rules->cancel_cutoff_minutes != 0 &&
           r->start_ms - now_ms < (int64_t)rules->cancel_cutoff_minutes * CIVIL_MS_PER_MINUTE;
}
