/* facility.c: the facility's configuration: `configure` validates and
 * applies it (keeping existing reservations consistent), `facility`
 * describes it. */
#include <string.h>

#include "civil.h"
#include "core.h"
#include "snapshot.h"

static const char *const day_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
static const uint8_t day_output_order[7] = {1, 2, 3, 4, 5, 6, 0};

int facility_court_index(const cs_config *c, const char *court_id) {
    for (int i = 0; i < c->court_count; i++) {
        if (strcmp(c->courts[i].id, court_id) == 0) return i;
    }
    return -1;
}

cs_error facility_check_id(cs_request *r) {
    uint32_t node;
    cs_error e = args_find(&r->args, "facilityId", &node);
    return e != CS_OK ? e : facility_check_id_at(r, node);
}

cs_error facility_check_id_at(cs_request *r, uint32_t node) {
    char id[CS_FACILITY_ID_MAX + 1];
    cs_error e = args_facility_id_at(&r->args, node, id);
    if (e != CS_OK) return e;
    if (!r->f->config.configured || strcmp(id, r->f->config.facility_id) != 0) {
        cs_message_start(&r->f->message);
        cs_message_text(&r->f->message, "facility ");
        cs_message_text(&r->f->message, id);
        cs_message_text(&r->f->message, " not found");
        return CS_ERR_NOT_FOUND;
    }
    return CS_OK;
}

/* "courts: entry N: text" */
static cs_error fail_entry(cs_message *m, const char *field, uint32_t index, const char *text) {
    cs_fail_field(m, field, "entry ");
    cs_message_int(m, index);
    cs_message_text(m, ": ");
    cs_message_text(m, text);
    return CS_ERR_INVALID_FIELD;
}

static cs_error read_zone(cs_request *r, cs_config *c) {
    const json_doc *doc = r->args.doc;
    uint32_t node;
    cs_error e = args_find(&r->args, "timeZone", &node);
    if (e != CS_OK) return e;
    if (node == 0) return cs_fail_field(&r->f->message, "timeZone", "is required");
    const json_node *n = json_at(doc, node);
    const char *name = json_text(doc, node);
    bool name_ok = n->type == JSON_STRING && n->str_len > 0 && n->str_len < ZONE_NAME_MAX;
    for (uint32_t i = 0; name_ok && i < n->str_len; i++) {
        char ch = name[i];
        name_ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '/' || ch == '_' || ch == '-' || ch == '+';
    }
    if (!name_ok) return cs_fail_field(&r->f->message, "timeZone", "must be an IANA time zone name");
    memcpy(c->time_zone, name, n->str_len);

    const char *rule = NULL;
    size_t rule_len = 0;
    e = args_find(&r->args, "tzRule", &node);
    if (e != CS_OK) return e;
    if (node != 0) {
        if (json_at(doc, node)->type != JSON_STRING || json_at(doc, node)->str_len > ZONE_RULE_TEXT_MAX) {
            return cs_fail_field(&r->f->message, "tzRule", "must be a POSIX TZ rule string");
        }
        rule = json_text(doc, node);
        rule_len = json_at(doc, node)->str_len;
    } else {
        rule = zone_rule_for_name(c->time_zone, strlen(c->time_zone));
        if (rule == NULL) {
            return cs_fail_field(&r->f->message, "timeZone", "is not a known time zone; give its POSIX rule in tzRule");
        }
        rule_len = strlen(rule);
    }
    if (rule_len > ZONE_RULE_TEXT_MAX || !zone_parse(rule, rule_len, &c->zone)) {
        return cs_fail_field(&r->f->message, "tzRule", "is not a valid POSIX TZ rule");
    }
    memcpy(c->tz_rule, rule, rule_len);
    return CS_OK;
}

static const char *const court_fields[] = {"courtId", "name", "capacity", "type", NULL};

static cs_error read_court(cs_request *r, uint32_t node, uint32_t index, cs_court *court) {
    if (json_at(r->args.doc, node)->type != JSON_OBJECT) return fail_entry(&r->f->message, "courts", index, "must be an object");
    cs_args a = {.doc = r->args.doc, .args = node, .params = 0, .message = &r->f->message};
    int64_t capacity = 1;
    bool present;
    cs_error e = args_check_known(&a, court_fields);
    if (e == CS_OK) e = args_id(&a, "courtId", true, court->id);
    if (e == CS_OK) e = args_text(&a, "name", true, CS_NAME_MAX, court->name);
    if (e == CS_OK) e = args_int(&a, "capacity", false, 1, CS_CAPACITY_MAX, &capacity, &present);
    if (e == CS_OK) e = args_id(&a, "type", false, court->type);
    if (e != CS_OK) {
        /* Prefix the nested field's message with the entry number. */
        cs_message inner = r->f->message;
        fail_entry(&r->f->message, "courts", index, inner.text);
        return e;
    }
    court->capacity = (uint16_t)capacity;
    return CS_OK;
}

static cs_error read_courts(cs_request *r, cs_config *c) {
    uint32_t node;
    cs_error e = args_find(&r->args, "courts", &node);
    if (e != CS_OK) return e;
    const json_node *n = node != 0 ? json_at(r->args.doc, node) : NULL;
    if (n == NULL || n->type != JSON_ARRAY || n->count == 0 || n->count > CS_COURTS_MAX) {
        return cs_fail_field(&r->f->message, "courts", "must be an array of 1 to 64 courts");
    }
    uint32_t index = 0;
    for (uint32_t item = n->first; item != 0; item = json_at(r->args.doc, item)->next, index++) {
        cs_court *court = &c->courts[index];
        e = read_court(r, item, index, court);
        if (e != CS_OK) return e;
        for (uint32_t j = 0; j < index; j++) {
            if (strcmp(c->courts[j].id, court->id) == 0) return fail_entry(&r->f->message, "courts", index, "duplicate courtId");
        }
    }
    c->court_count = (uint8_t)index;
    return CS_OK;
}

/* "HH:MM-HH:MM" on the grid, open before close. */
static bool parse_range(const char *text, size_t len, uint32_t grid, cs_range *range) {
    int32_t open, close;
    if (len != 11 || text[5] != '-') return false;
    if (!civil_parse_hhmm(text, 5, &open) || !civil_parse_hhmm(text + 6, 5, &close)) return false;
    if (open >= close || open % (int32_t)grid != 0 || close % (int32_t)grid != 0) return false;
    range->open_minute = (int16_t)open;
    range->close_minute = (int16_t)close;
    return true;
}

static cs_error read_day(cs_request *r, cs_config *c, uint32_t day, uint32_t node) {
    const json_doc *doc = r->args.doc;
    const json_node *n = json_at(doc, node);
    if (n->type != JSON_ARRAY || n->count > CS_RANGES_PER_DAY_MAX) {
        return cs_fail_field(&r->f->message, "openingHours", "each day must be an array of at most 4 ranges");
    }
    uint32_t count = 0;
    for (uint32_t item = n->first; item != 0; item = json_at(doc, item)->next, count++) {
        cs_range *range = &c->ranges[day][count];
        const json_node *s = json_at(doc, item);
        if (s->type != JSON_STRING || !parse_range(json_text(doc, item), s->str_len, c->grid_minutes, range)) {
            return cs_fail_field(&r->f->message, "openingHours",
                                 "ranges are \"HH:MM-HH:MM\", opening before closing, on the booking grid");
        }
        if (count > 0 && range->open_minute < c->ranges[day][count - 1].close_minute) {
            return cs_fail_field(&r->f->message, "openingHours", "ranges of a day must be in order and not overlap");
        }
    }
    c->range_count[day] = (uint8_t)count;
    return CS_OK;
}

static cs_error read_hours(cs_request *r, cs_config *c) {
    const json_doc *doc = r->args.doc;
    uint32_t node;
    cs_error e = args_find(&r->args, "openingHours", &node);
    if (e != CS_OK) return e;
    if (node == 0 || json_at(doc, node)->type != JSON_OBJECT) {
        return cs_fail_field(&r->f->message, "openingHours", "must be an object of weekday ranges, e.g. {\"mon\": [\"06:00-22:00\"]}");
    }
    for (uint32_t key = json_at(doc, node)->first; key != 0; key = json_at(doc, json_at(doc, key)->next)->next) {
        uint32_t day = 7;
        for (uint32_t d = 0; d < 7; d++) {
            if (strcmp(json_text(doc, key), day_names[d]) == 0) day = d;
        }
        if (day == 7) return cs_fail_field(&r->f->message, "openingHours", "days are mon, tue, wed, thu, fri, sat and sun");
        e = read_day(r, c, day, json_at(doc, key)->next);
        if (e != CS_OK) return e;
    }
    return CS_OK;
}

static cs_error read_durations(cs_request *r, cs_config *c) {
    const json_doc *doc = r->args.doc;
    uint32_t node;
    cs_error e = args_find(&r->args, "durationsMinutes", &node);
    if (e != CS_OK) return e;
    const json_node *n = node != 0 ? json_at(doc, node) : NULL;
    if (n == NULL || n->type != JSON_ARRAY || n->count == 0 || n->count > CS_DURATIONS_MAX) {
        return cs_fail_field(&r->f->message, "durationsMinutes", "must be an array of 1 to 8 durations");
    }
    uint32_t count = 0;
    for (uint32_t item = n->first; item != 0; item = json_at(doc, item)->next, count++) {
        const json_node *v = json_at(doc, item);
        bool ok = v->type == JSON_NUMBER && v->is_integer && v->integer >= c->grid_minutes && v->integer <= 1440 &&
                  v->integer % c->grid_minutes == 0 && (count == 0 || v->integer > c->durations_minutes[count - 1]);
        if (!ok) {
            return cs_fail_field(&r->f->message, "durationsMinutes",
                                 "durations must increase, be multiples of gridMinutes and at most 1440");
        }
        c->durations_minutes[count] = (uint16_t)v->integer;
    }
    c->duration_count = (uint8_t)count;
    return CS_OK;
}

/* A rule set in `field` of the object `node` (0: the arguments); absent: no rules. */
static cs_error read_rules(cs_request *r, uint32_t node, const char *field, cs_rules *rules) {
    cs_args outer = {.doc = r->args.doc, .args = node, .params = 0, .message = &r->f->message};
    uint32_t found;
    cs_error e = node != 0 ? args_find(&outer, field, &found) : args_find(&r->args, field, &found);
    if (e != CS_OK) return e;
    if (found == 0) {
        memset(rules, 0, sizeof *rules);
        rules->window_opens_minute = -1;
        return CS_OK;
    }
    if (json_at(r->args.doc, found)->type != JSON_OBJECT) return cs_fail_field(&r->f->message, "rules", "must be an object");
    cs_args a = {.doc = r->args.doc, .args = found, .params = 0, .message = &r->f->message};
    return rules_read(&a, rules);
}

static cs_error read_waitlist(cs_request *r, cs_config *c) {
    uint32_t node;
    cs_error e = args_find(&r->args, "waitlist", &node);
    if (e != CS_OK) return e;
    if (node == 0) return waitlist_read_rules(NULL, &c->waitlist);
    if (json_at(r->args.doc, node)->type != JSON_OBJECT) return cs_fail_field(&r->f->message, "waitlist", "must be an object");
    cs_args a = {.doc = r->args.doc, .args = node, .params = 0, .message = &r->f->message};
    return waitlist_read_rules(&a, &c->waitlist);
}

static cs_error read_reminders(cs_request *r, cs_config *c) {
    uint32_t node;
    cs_error e = args_find(&r->args, "reminders", &node);
    if (e != CS_OK) return e;
    if (node == 0) return reminders_read_rules(NULL, &c->reminders);
    if (json_at(r->args.doc, node)->type != JSON_OBJECT) return cs_fail_field(&r->f->message, "reminders", "must be an object");
    cs_args a = {.doc = r->args.doc, .args = node, .params = 0, .message = &r->f->message};
    return reminders_read_rules(&a, &c->reminders);
}

static const char *const tier_fields[] = {"tier", "priority", "rules", NULL};

static cs_error read_tier(cs_request *r, uint32_t node, uint32_t index, cs_config *c) {
    cs_tier *tier = &c->tiers[index];
    if (json_at(r->args.doc, node)->type != JSON_OBJECT) return fail_entry(&r->f->message, "tiers", index, "must be an object");
    cs_args a = {.doc = r->args.doc, .args = node, .params = 0, .message = &r->f->message};
    int64_t priority = 0;
    bool present;
    cs_error e = args_check_known(&a, tier_fields);
    if (e == CS_OK) e = args_id(&a, "tier", true, tier->name);
    if (e == CS_OK) e = args_int(&a, "priority", false, -1000, 1000, &priority, &present);
    if (e == CS_OK) e = read_rules(r, node, "rules", &tier->rules);
    if (e != CS_OK) {
        cs_message inner = r->f->message;
        return fail_entry(&r->f->message, "tiers", index, inner.text);
    }
    tier->priority = (int32_t)priority;
    for (uint32_t j = 0; j < index; j++) {
        if (strcmp(c->tiers[j].name, tier->name) == 0) return fail_entry(&r->f->message, "tiers", index, "duplicate tier");
    }
    return CS_OK;
}

static cs_error read_tiers(cs_request *r, cs_config *c) {
    uint32_t node;
    cs_error e = args_find(&r->args, "tiers", &node);
    if (e != CS_OK || node == 0) return e;
    const json_node *n = json_at(r->args.doc, node);
    if (n->type != JSON_ARRAY || n->count > CS_TIERS_MAX) {
        return cs_fail_field(&r->f->message, "tiers", "must be an array of at most 8 tiers");
    }
    uint32_t index = 0;
    for (uint32_t item = n->first; item != 0; item = json_at(r->args.doc, item)->next, index++) {
        e = read_tier(r, item, index, c);
        if (e != CS_OK) return e;
    }
    c->tier_count = (uint8_t)index;
    return CS_OK;
}

static const char *const configure_fields[] = {"facilityId", "name", "timeZone", "tzRule", "courts",
                                               "openingHours", "gridMinutes", "durationsMinutes",
                                               "holdTtlSeconds", "bufferMinutes", "maxHoldsPerMember", "rules", "tiers",
                                               "waitlist", "reminders", "pricing", NULL};

static cs_error read_config(cs_request *r, cs_config *c) {
    int64_t grid = 0, ttl = CS_HOLD_TTL_SECONDS_DEFAULT, buffer = 0, holds = CS_MAX_HOLDS_DEFAULT;
    bool present;
    cs_error e = args_check_known(&r->args, configure_fields);
    if (e == CS_OK) e = args_facility_id(&r->args, c->facility_id);
    if (e == CS_OK) e = args_text(&r->args, "name", true, CS_NAME_MAX, c->name);
    if (e == CS_OK) e = read_zone(r, c);
    if (e == CS_OK) e = read_courts(r, c);
    if (e == CS_OK) e = args_int(&r->args, "gridMinutes", true, CS_GRID_MINUTES_MIN, CS_GRID_MINUTES_MAX, &grid, &present);
    if (e == CS_OK && 1440 % grid != 0) e = cs_fail_field(&r->f->message, "gridMinutes", "must divide a day (1440 minutes)");
    c->grid_minutes = (uint16_t)grid;
    if (e == CS_OK) e = read_hours(r, c);
    if (e == CS_OK) e = read_durations(r, c);
    if (e == CS_OK) e = args_int(&r->args, "holdTtlSeconds", false, 1, CS_HOLD_TTL_SECONDS_MAX, &ttl, &present);
    c->hold_ttl_ms = (uint32_t)ttl * 1000u;
    if (e == CS_OK) e = args_int(&r->args, "bufferMinutes", false, 0, CS_BUFFER_MINUTES_MAX, &buffer, &present);
    c->buffer_minutes = (uint16_t)buffer;
    if (e == CS_OK) e = args_int(&r->args, "maxHoldsPerMember", false, 1, CS_MAX_HOLDS_MAX, &holds, &present);
    c->max_holds = (uint16_t)holds;
    if (e == CS_OK) e = read_rules(r, 0, "rules", &c->rules);
    if (e == CS_OK) e = read_tiers(r, c);
    if (e == CS_OK) e = read_waitlist(r, c);
    if (e == CS_OK) e = read_reminders(r, c);
    if (e == CS_OK) e = pricing_read(&r->args, c);
    c->configured = true;
    return e;
}

/* The most places live reservations use at once on the old court `court`. */
static uint32_t peak_usage(cs_facility *f, uint8_t court) {
    uint32_t peak = 0;
    for (uint32_t i = 0; i < f->reservation_rows_end; i++) {
        const cs_reservation *res = &f->reservations[i];
        if (!res->in_use || res->court != court || !reservation_is_live(res)) continue;
        uint32_t used = reservation_usage(f, court, res->start_ms, res->end_ms, false, NULL);
        if (used > peak) peak = used;
    }
    return peak;
}

/* A new configuration may not strand live reservations. */
static cs_error check_reservations_fit(cs_request *r, const cs_config *next) {
    const cs_config *old = &r->f->config;
    for (uint8_t court = 0; court < old->court_count; court++) {
        uint32_t peak = peak_usage(r->f, court);
        if (peak == 0) continue;
        int index = facility_court_index(next, old->courts[court].id);
        if (index < 0 || next->courts[index].capacity < peak) {
            cs_message_start(&r->f->message);
            cs_message_text(&r->f->message, "court ");
            cs_message_text(&r->f->message, old->courts[court].id);
            cs_message_text(&r->f->message, index < 0 ? " has live reservations and cannot be removed"
                                                      : " has more live reservations than the new capacity");
            return CS_ERR_INVALID_STATE;
        }
    }
    return CS_OK;
}

/* Moves court indices of remembered reservations and keys to the new
 * configuration; what refers to a removed court is forgotten (it is not
 * live: check_reservations_fit made sure). */
static void remap_courts(cs_facility *f, const cs_config *next) {
    for (uint32_t i = 0; i < f->reservation_rows_end; i++) {
        cs_reservation *res = &f->reservations[i];
        if (!res->in_use) continue;
        int index = facility_court_index(next, f->config.courts[res->court].id);
        if (index >= 0) {
            res->court = (uint8_t)index;
        } else {
            CS_ASSERT(!reservation_is_live(res));
            index_remove(f, res);
            memset(res, 0, sizeof *res);
            f->reservation_count--;
        }
    }
    for (uint32_t i = 0; i < f->idempotency_rows_end; i++) {
        cs_idempotency_key *k = &f->idempotency[i];
        if (!k->in_use) continue;
        int index = facility_court_index(next, f->config.courts[k->court].id);
        if (index >= 0) {
            k->court = (uint8_t)index;
        } else {
            memset(k, 0, sizeof *k);
            f->idempotency_count--;
        }
    }
    f->idempotency_due_known = false; /* keys may have gone */
    idempotency_rebuild_index(f);
    reservation_rebuild(f); /* court numbers moved */
}

/* Compared by their encodings: struct bytes include padding. 128 KiB of
 * stack, of the 1 MiB the builds give. */
static bool same_config(const cs_config *a, const cs_config *b) {
    uint8_t encoded_a[CS_SNAPSHOT_CONFIG_MAX], encoded_b[CS_SNAPSHOT_CONFIG_MAX];
    size_t len_a = cs_config_encode(a, encoded_a, sizeof encoded_a);
    size_t len_b = cs_config_encode(b, encoded_b, sizeof encoded_b);
    return len_a == len_b && memcmp(encoded_a, encoded_b, len_a) == 0;
}

cs_error facility_configure(cs_request *r) {
    cs_config next;
    memset(&next, 0, sizeof next);
    cs_error e = read_config(r, &next);
    if (e != CS_OK) return e;
    if (r->f->config.configured && strcmp(next.facility_id, r->f->config.facility_id) != 0) {
        return cs_fail_field(&r->f->message, "facilityId", "a facility's id cannot change");
    }
    if (r->f->config.configured) {
        e = check_reservations_fit(r, &next);
        if (e != CS_OK) return e;
        remap_courts(r->f, &next);
        blocks_remap_courts(r->f, &next);
        waitlist_remap_courts(r->f, &next, r->now_ms);
        member_remap_tiers(r->f, &next);
    }
    if (!same_config(&next, &r->f->config)) {
        r->f->config = next;
        r->f->config_changes++; /* kept court-days' texts were of the one before */
        cs_emit(r->f, CS_EVENT_FACILITY_UPDATED, 0, 0, 0);
    }
    return facility_describe(r);
}

static void write_range(json_writer *w, const cs_range *range) {
    char text[12];
    civil_format_hhmm(range->open_minute, text);
    text[5] = '-';
    civil_format_hhmm(range->close_minute, text + 6);
    json_string(w, text);
}

static void write_hours(json_writer *w, const cs_config *c) {
    json_object_begin(w);
    for (uint32_t i = 0; i < 7; i++) {
        uint32_t day = day_output_order[i];
        json_key_text(w, day_names[day]);
        json_array_begin(w);
        for (uint32_t k = 0; k < c->range_count[day]; k++) {
            write_range(w, &c->ranges[day][k]);
        }
        json_array_end(w);
    }
    json_object_end(w);
}

/* The settings as `configure` takes them (so they can be applied again),
 * as members of an object the caller has opened. */
void facility_write_settings(json_writer *w, const cs_config *c) {
    json_key(w, "facilityId");
    json_string(w, c->facility_id);
    json_key(w, "name");
    json_string(w, c->name);
    json_key(w, "timeZone");
    json_string(w, c->time_zone);
    json_key(w, "tzRule");
    json_string(w, c->tz_rule);
    json_key(w, "courts");
    json_array_begin(w);
    for (uint32_t i = 0; i < c->court_count; i++) {
        json_object_begin(w);
        json_key(w, "courtId");
        json_string(w, c->courts[i].id);
        json_key(w, "name");
        json_string(w, c->courts[i].name);
        json_key(w, "capacity");
        json_int(w, c->courts[i].capacity);
        if (c->courts[i].type[0] != '\0') {
            json_key(w, "type");
            json_string(w, c->courts[i].type);
        }
        json_object_end(w);
    }
    json_array_end(w);
    json_key(w, "openingHours");
    write_hours(w, c);
    json_key(w, "gridMinutes");
    json_int(w, c->grid_minutes);
    json_key(w, "durationsMinutes");
    json_array_begin(w);
    for (uint32_t i = 0; i < c->duration_count; i++) json_int(w, c->durations_minutes[i]);
    json_array_end(w);
    json_key(w, "holdTtlSeconds");
    json_int(w, c->hold_ttl_ms / 1000);
    json_key(w, "bufferMinutes");
    json_int(w, c->buffer_minutes);
    json_key(w, "maxHoldsPerMember");
    json_int(w, c->max_holds);
    json_key(w, "waitlist");
    waitlist_write_rules(w, &c->waitlist);
    json_key(w, "reminders");
    reminders_write_rules(w, &c->reminders);
    json_key(w, "rules");
    rules_write(w, &c->rules);
    json_key(w, "tiers");
    json_array_begin(w);
    for (uint32_t i = 0; i < c->tier_count; i++) {
        json_object_begin(w);
        json_key(w, "tier");
        json_string(w, c->tiers[i].name);
        json_key(w, "priority");
        json_int(w, c->tiers[i].priority);
        json_key(w, "rules");
        rules_write(w, &c->tiers[i].rules);
        json_object_end(w);
    }
    json_array_end(w);
    if (pricing_enabled(c)) {
        json_key(w, "pricing");
        pricing_write(w, c);
    }
}

cs_error facility_describe(cs_request *r) {
    json_writer *w = r->reply;
    json_object_begin(w);
    json_key(w, "success");
    json_bool(w, true);
    facility_write_settings(w, &r->f->config);
    json_key(w, "blocks");
    blocks_write(w, r->f);
    json_key(w, "seq");
    json_int(w, (int64_t)r->f->seq);
    json_object_end(w);
    return CS_OK;
}
