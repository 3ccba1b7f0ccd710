/* pricing.c: the facility's price list. Reads and describes the `pricing`
 * settings of `configure` (currency, rows per court type and duration,
 * peak hours and days, free tiers, the payment window), computes what a
 * booking costs, so the amount a member is shown is the amount charged,
 * and answers `price` (a quote before the hold). */
#include <string.h>

#include "civil.h"
#include "core.h"

static const char *const day_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

static cs_error fail_price(cs_message *m, uint32_t index, const char *text) {
    cs_fail_field(m, "pricing", "prices entry ");
    cs_message_int(m, index);
    cs_message_text(m, ": ");
    cs_message_text(m, text);
    return CS_ERR_INVALID_FIELD;
}

static const char *const price_fields[] = {"courtType", "durationMinutes", "amount", "peakAmount", NULL};

static cs_error read_price(const cs_args *outer, uint32_t node, uint32_t index, cs_price *price) {
    cs_message *m = outer->message;
    if (json_at(outer->doc, node)->type != JSON_OBJECT) return fail_price(m, index, "must be an object");
    cs_args a = {.doc = outer->doc, .args = node, .params = 0, .message = m};
    int64_t duration = 0, amount = 0, peak = 0;
    bool present, has_peak;
    cs_error e = args_check_known(&a, price_fields);
    if (e == CS_OK) e = args_id(&a, "courtType", false, price->court_type);
    if (e == CS_OK) e = args_int(&a, "durationMinutes", true, 1, 1440, &duration, &present);
    if (e == CS_OK) e = args_int(&a, "amount", true, 0, CS_PRICE_AMOUNT_MAX, &amount, &present);
    if (e == CS_OK) e = args_int(&a, "peakAmount", false, 0, CS_PRICE_AMOUNT_MAX, &peak, &has_peak);
    if (e != CS_OK) {
        cs_message inner = *m;
        return fail_price(m, index, inner.text);
    }
    price->duration_minutes = (uint16_t)duration;
    price->amount = (uint32_t)amount;
    price->peak_amount = (uint32_t)(has_peak ? peak : amount);
    return CS_OK;
}

static cs_error read_prices(const cs_args *a, cs_pricing *p) {
    uint32_t node;
    cs_error e = args_find(a, "prices", &node);
    if (e != CS_OK) return e;
    const json_node *n = node != 0 ? json_at(a->doc, node) : NULL;
    if (n == NULL || n->type != JSON_ARRAY || n->count == 0 || n->count > CS_PRICES_MAX) {
        _Static_assert(CS_PRICES_MAX == 32, "the message says 32");
        return cs_fail_field(a->message, "pricing", "prices must be an array of 1 to 32 rows");
    }
    uint32_t index = 0;
    for (uint32_t item = n->first; item != 0; item = json_at(a->doc, item)->next, index++) {
        cs_price *price = &p->prices[index];
        e = read_price(a, item, index, price);
        if (e != CS_OK) return e;
        for (uint32_t j = 0; j < index; j++) {
            if (strcmp(p->prices[j].court_type, price->court_type) == 0 &&
                p->prices[j].duration_minutes == price->duration_minutes) {
                return fail_price(a->message, index, "duplicate courtType and durationMinutes");
            }
        }
    }
    p->price_count = (uint8_t)index;
    return CS_OK;
}

static cs_error read_currency(const cs_args *a, cs_pricing *p) {
    uint32_t node;
    cs_error e = args_find(a, "currency", &node);
    if (e != CS_OK) return e;
    const json_node *n = node != 0 ? json_at(a->doc, node) : NULL;
    const char *text = n != NULL ? json_text(a->doc, node) : "";
    bool ok = n != NULL && n->type == JSON_STRING && n->str_len == 3;
    for (uint32_t i = 0; ok && i < 3; i++) ok = text[i] >= 'a' && text[i] <= 'z';
    if (!ok) return cs_fail_field(a->message, "pricing", "currency must be a lower-case ISO 4217 code such as \"usd\"");
    memcpy(p->currency, text, 3);
    p->currency[3] = '\0';
    return CS_OK;
}

/* "peakDays": ["mon", ...]; absent: every day. */
static cs_error read_peak_days(const cs_args *a, cs_pricing *p) {
    uint32_t node;
    cs_error e = args_find(a, "peakDays", &node);
    p->peak_days = 0x7f;
    if (e != CS_OK || node == 0) return e;
    const json_node *n = json_at(a->doc, node);
    if (n->type != JSON_ARRAY) return cs_fail_field(a->message, "pricing", "peakDays must be an array of day names");
    p->peak_days = 0;
    for (uint32_t item = n->first; item != 0; item = json_at(a->doc, item)->next) {
        int day = -1;
        for (int d = 0; d < 7 && json_at(a->doc, item)->type == JSON_STRING; d++) {
            if (strcmp(json_text(a->doc, item), day_names[d]) == 0) day = d;
        }
        if (day < 0) return cs_fail_field(a->message, "pricing", "peakDays must name days: sun, mon, tue, wed, thu, fri, sat");
        p->peak_days |= (uint8_t)(1u << day);
    }
    return CS_OK;
}

/* "freeTiers": tier names of this configuration whose members pay nothing. */
static cs_error read_free_tiers(const cs_args *a, const cs_config *c, cs_pricing *p) {
    uint32_t node;
    cs_error e = args_find(a, "freeTiers", &node);
    if (e != CS_OK || node == 0) return e;
    const json_node *n = json_at(a->doc, node);
    if (n->type != JSON_ARRAY) return cs_fail_field(a->message, "pricing", "freeTiers must be an array of tier names");
    for (uint32_t item = n->first; item != 0; item = json_at(a->doc, item)->next) {
        int tier = -1;
        for (int t = 0; t < c->tier_count && json_at(a->doc, item)->type == JSON_STRING; t++) {
            if (strcmp(json_text(a->doc, item), c->tiers[t].name) == 0) tier = t;
        }
        if (tier < 0) return cs_fail_field(a->message, "pricing", "freeTiers must name tiers of this facility");
        p->free_tiers |= (uint8_t)(1u << tier);
    }
    return CS_OK;
}

/* The row for a court type and a duration: its own type's, else the "any" row. */
static const cs_price *price_row(const cs_pricing *p, const char *court_type, uint32_t minutes) {
    const cs_price *any = NULL;
    for (uint32_t i = 0; i < p->price_count; i++) {
        const cs_price *row = &p->prices[i];
        if (row->duration_minutes != minutes) continue;
        if (strcmp(row->court_type, court_type) == 0) return row;
        if (row->court_type[0] == '\0') any = row;
    }
    return any;
}

/* Every court and allowed duration has a price, so a quote never fails. */
static cs_error check_complete(const cs_config *c, cs_message *m) {
    for (uint32_t i = 0; i < c->court_count; i++) {
        for (uint32_t d = 0; d < c->duration_count; d++) {
            if (price_row(&c->pricing, c->courts[i].type, c->durations_minutes[d]) != NULL) continue;
            cs_fail_field(m, "pricing", "no price for court ");
            cs_message_text(m, c->courts[i].id);
            cs_message_text(m, " and ");
            cs_message_int(m, c->durations_minutes[d]);
            cs_message_text(m, " minutes (add a row for its courtType or one without courtType)");
            return CS_ERR_INVALID_FIELD;
        }
    }
    return CS_OK;
}

static const char *const pricing_fields[] = {"currency", "prices", "peakHours", "peakDays", "freeTiers",
                                             "paymentWindowMinutes", NULL};

cs_error pricing_read(const cs_args *outer, cs_config *c) {
    cs_pricing *p = &c->pricing;
    uint32_t node;
    memset(p, 0, sizeof *p);
    p->peak = (cs_quiet_hours){-1, -1};
    cs_error e = args_find(outer, "pricing", &node);
    if (e != CS_OK || node == 0 || json_at(outer->doc, node)->type == JSON_NULL) return e;
    if (json_at(outer->doc, node)->type != JSON_OBJECT) return cs_fail_field(outer->message, "pricing", "must be an object or null");
    cs_args a = {.doc = outer->doc, .args = node, .params = 0, .message = outer->message};
    int64_t window = CS_PAYMENT_WINDOW_MINUTES_DEFAULT;
    bool present;
    e = args_check_known(&a, pricing_fields);
    if (e == CS_OK) e = read_currency(&a, p);
    if (e == CS_OK) e = read_prices(&a, p);
    if (e == CS_OK) e = calendar_read_quiet_hours(&a, "peakHours", &p->peak);
    if (e == CS_OK) e = read_peak_days(&a, p);
    if (e == CS_OK) e = read_free_tiers(&a, c, p);
    if (e == CS_OK) {
        e = args_int(&a, "paymentWindowMinutes", false, CS_PAYMENT_WINDOW_MINUTES_MIN, CS_PAYMENT_WINDOW_MINUTES_MAX,
                     &window, &present);
    }
    p->payment_window_minutes = (uint16_t)window;
    if (e == CS_OK) e = check_complete(c, outer->message);
    if (e != CS_OK && e == CS_ERR_INVALID_FIELD) outer->message->field = "pricing";
    return e;
}

void pricing_write(json_writer *w, const cs_config *c) {
    const cs_pricing *p = &c->pricing;
    if (p->price_count == 0) {
        json_null(w);
        return;
    }
    json_object_begin(w);
    json_key(w, "currency");
    json_string(w, p->currency);
    json_key(w, "prices");
    json_array_begin(w);
    for (uint32_t i = 0; i < p->price_count; i++) {
        json_object_begin(w);
        if (p->prices[i].court_type[0] != '\0') {
            json_key(w, "courtType");
            json_string(w, p->prices[i].court_type);
        }
        json_key(w, "durationMinutes");
        json_int(w, p->prices[i].duration_minutes);
        json_key(w, "amount");
        json_int(w, p->prices[i].amount);
        json_key(w, "peakAmount");
        json_int(w, p->prices[i].peak_amount);
        json_object_end(w);
    }
    json_array_end(w);
    json_key(w, "peakHours");
    calendar_write_quiet_hours(w, p->peak);
    json_key(w, "peakDays");
    json_array_begin(w);
    for (uint32_t d = 0; d < 7; d++) {
        uint32_t day = (d + 1) % 7; /* Monday first, as openingHours */
        if (p->peak_days & (1u << day)) json_string(w, day_names[day]);
    }
    json_array_end(w);
    json_key(w, "freeTiers");
    json_array_begin(w);
    for (uint32_t t = 0; t < c->tier_count; t++) {
        if (p->free_tiers & (1u << t)) json_string(w, c->tiers[t].name);
    }
    json_array_end(w);
    json_key(w, "paymentWindowMinutes");
    json_int(w, p->payment_window_minutes);
    json_object_end(w);
}

bool pricing_enabled(const cs_config *c) { return c->pricing.price_count > 0; }

bool pricing_is_peak(const cs_config *c, int64_t start_ms) {
    int64_t began_ms, ends_ms;
    if (!calendar_quiet_at(c, c->pricing.peak, start_ms, &began_ms, &ends_ms)) return false;
    int64_t day = calendar_local_day(c, began_ms); /* the day the peak stretch began on */
    int64_t weekday = ((day % 7) + 7 + 4) % 7;  /* 1970-01-01 was a Thursday */
    return (c->pricing.peak_days & (1u << weekday)) != 0;
}

uint32_t pricing_amount(const cs_facility *f, const char *member_id, uint8_t court, int64_t start_ms, int64_t end_ms) {
    const cs_config *c = &f->config;
    if (!pricing_enabled(c)) return 0;
    const cs_member *m = member_find(f, member_id);
    if (m != NULL && m->tier != 0 && (c->pricing.free_tiers & (1u << (m->tier - 1)))) return 0;
    uint32_t minutes = (uint32_t)((end_ms - start_ms) / CIVIL_MS_PER_MINUTE);
    const cs_price *row = price_row(&c->pricing, c->courts[court].type, minutes);
    /* check_complete prices every court and allowed duration, and bookings
     * take only allowed durations; a waitlist entry older than the
     * configuration might not, and is never served (the calendar refuses
     * its duration), so this is only a guard. */
    if (row == NULL) return 0;
    return pricing_is_peak(c, start_ms) ? row->peak_amount : row->amount;
}

static const char *const quote_fields[] = {"facilityId", "courtId", "startTime", "endTime", "memberId", NULL};

/* What a booking would cost, before holding it: {success, amount, currency,
 * peak, free}. A member is quoted their own price; staff may name one. The
 * slot must be one the calendar allows (the price list covers those). */
cs_error pricing_quote(cs_request *r) {
    char court_id[CS_ID_MAX + 1], member_id[CS_ID_MAX + 1];
    int64_t start_ms, end_ms;
    bool present;
    cs_message *m = &r->f->message;
    cs_error e = args_check_known(&r->args, quote_fields);
    if (e == CS_OK) e = facility_check_id(r);
    if (e == CS_OK) e = args_id(&r->args, "courtId", true, court_id);
    if (e == CS_OK) e = args_time(&r->args, "startTime", true, &start_ms, &present);
    if (e == CS_OK) e = args_time(&r->args, "endTime", true, &end_ms, &present);
    if (e == CS_OK) e = args_id(&r->args, "memberId", false, member_id);
    if (e != CS_OK) return e;
    if (end_ms <= start_ms) return cs_fail_field(m, "endTime", "must be after startTime");
    int court = facility_court_index(&r->f->config, court_id);
    if (court < 0) return cs_fail(m, CS_ERR_NOT_FOUND, "no such court");
    e = calendar_check_slot(&r->f->config, start_ms, end_ms, r->now_ms, m);
    if (e != CS_OK) return e;
    if (r->role == CS_ROLE_MEMBER && member_id[0] != '\0' && strcmp(member_id, r->actor_member_id) != 0) {
        return cs_fail(m, CS_ERR_FORBIDDEN, "members can only ask for their own price");
    }
    if (member_id[0] == '\0') memcpy(member_id, r->actor_member_id, sizeof member_id);
    uint32_t amount = pricing_amount(r->f, member_id, (uint8_t)court, start_ms, end_ms);
    json_writer *w = r->reply;
    json_object_begin(w);
    json_key(w, "success");
    json_bool(w, true);
    json_key(w, "amount");
    json_int(w, amount);
    json_key(w, "currency");
    if (pricing_enabled(&r->f->config)) json_string(w, r->f->config.pricing.currency);
    else json_null(w);
    json_key(w, "peak");
    json_bool(w, pricing_enabled(&r->f->config) && pricing_is_peak(&r->f->config, start_ms));
    json_key(w, "free");
    json_bool(w, amount == 0);
    json_object_end(w);
    return CS_OK;
}
