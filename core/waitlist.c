/* waitlist.c: members waiting for a slot. Joining (served at once when a
 * place is free), leaving, accepting or declining an offer, listing and the
 * conversion counts; what happens to an entry when its offer is confirmed,
 * released or lapses; and its JSON form. The choice of whom to serve is the
 * matcher's (matcher.c). */
#include <string.h>

#include "civil.h"
#include "core.h"

static const char *const state_names[] = {
    [CS_ENTRY_WAITING] = "waiting", [CS_ENTRY_OFFERED] = "offered", [CS_ENTRY_BOOKED] = "booked",
    [CS_ENTRY_LEFT] = "left",       [CS_ENTRY_EXPIRED] = "expired",
};

/* Ids of the reservations made for an entry are "{entry id}-{n}", so the
 * entry id leaves room for the suffix. */
enum { ENTRY_ID_MAX = CS_ID_MAX - 4 };

static uint16_t row_of(const cs_facility *f, const cs_entry *e) { return (uint16_t)(e - f->entries); }

void waitlist_changed(cs_facility *f, const cs_entry *e) {
    uint16_t row = row_of(f, e);
    f->changed = true;
    for (uint32_t i = 0; i < f->entry_change_count; i++) {
        if (f->entry_changes[i] == row) return;
    }
    CS_ASSERT(f->entry_change_count < CS_WAITLIST_MAX);
    f->entry_changes[f->entry_change_count++] = row;
}

static void set_state(cs_facility *f, cs_entry *e, cs_entry_state state, int64_t now_ms) {
    e->state = (uint8_t)state;
    e->updated_ms = now_ms;
    waitlist_changed(f, e);
}

static cs_entry *entry_find(cs_facility *f, const char *id) {
    for (uint32_t i = 0; i < CS_WAITLIST_MAX; i++) {
        if (f->entries[i].in_use && strcmp(f->entries[i].id, id) == 0) return &f->entries[i];
    }
    return NULL;
}

bool waitlist_serve_entry(cs_request *r, cs_entry *e, cs_place place) {
    cs_facility *f = r->f;
    char id[CS_ID_MAX + 1];
    size_t n = strlen(e->id);
    uint16_t number = (uint16_t)(e->served + 1);
    CS_ASSERT(n <= ENTRY_ID_MAX && number < 1000);
    memcpy(id, e->id, n);
    id[n++] = '-';
    if (number >= 100) id[n++] = (char)('0' + number / 100);
    if (number >= 10) id[n++] = (char)('0' + number / 10 % 10);
    id[n++] = (char)('0' + number % 10);
    id[n] = '\0';
    if (reservation_find(f, id) != NULL || f->promotion_count == CS_PROMOTIONS_MAX) return false;
    cs_reservation *res = reservation_allocate(f);
    if (res == NULL) return false;
    /* A booking with a price is never booked unpaid: at a facility with
     * prices an auto-booking entry is offered the place, to pay for. */
    int64_t end_ms = place.start_ms + (int64_t)e->duration_minutes * CIVIL_MS_PER_MINUTE;
    uint32_t price = pricing_amount(f, e->member_id, place.court, place.start_ms, end_ms);
    bool offer = e->mode == CS_MODE_OFFER || price > 0;
    int64_t offer_end = r->now_ms + (int64_t)f->config.waitlist.offer_minutes * CIVIL_MS_PER_MINUTE;
    *res = (cs_reservation){.in_use = true,
                            .status = offer ? CS_HELD : CS_CONFIRMED,
                            .court = place.court,
                            .party_size = e->party_size,
                            .version = 1,
                            .start_ms = place.start_ms,
                            .end_ms = end_ms,
                            .hold_expiry_ms = offer_end < place.start_ms ? offer_end : place.start_ms,
                            .created_ms = r->now_ms,
                            .updated_ms = r->now_ms,
                            .offer_entry = offer ? (uint16_t)(row_of(f, e) + 1) : 0,
                            .payment = price > 0 ? CS_PAY_DUE : CS_PAY_NONE,
                            .amount = price};
    memcpy(res->id, id, n + 1);
    memcpy(res->member_id, e->member_id, strlen(e->member_id) + 1);
    f->reservation_count++;
    index_add(f, res);
    if (!offer) reminders_start(f, res, r->now_ms, false); /* the auto-booked notice confirms it */
    memcpy(e->reservation_id, id, n + 1);
    e->served = number;
    if (offer) {
        e->offered[e->offered_count % CS_OFFERED_MAX] = place;
        e->offered_count = (uint8_t)(e->offered_count < 255 ? e->offered_count + 1 : CS_OFFERED_MAX);
        f->waitlist_metrics.offered++;
    } else {
        f->waitlist_metrics.auto_booked++;
    }
    set_state(f, e, offer ? CS_ENTRY_OFFERED : CS_ENTRY_BOOKED, r->now_ms);
    cs_emit_change(f, offer ? CS_EVENT_SLOT_PENDING : CS_EVENT_SLOT_RESERVED,
                   offer ? CS_ACTION_WAITLIST_OFFER : CS_ACTION_WAITLIST_BOOK, 0, res);
    f->promotions[f->promotion_count++] =
        (cs_promotion){.entry = row_of(f, e), .reservation = (uint16_t)(res - f->reservations), .offer = offer};
    reminders_notice_waitlist(f, res, row_of(f, e));
    return true;
}

void waitlist_offer_ended(cs_facility *f, cs_reservation *res, int64_t now_ms) {
    CS_ASSERT(res->offer_entry != 0 && res->status != CS_HELD);
    cs_entry *e = &f->entries[res->offer_entry - 1];
    res->offer_entry = 0;
    CS_ASSERT(e->in_use && e->state == CS_ENTRY_OFFERED && strcmp(e->reservation_id, res->id) == 0);
    if (res->status == CS_CONFIRMED) f->waitlist_metrics.accepted++;
    else if (res->status == CS_EXPIRED) f->waitlist_metrics.offers_expired++;
    else f->waitlist_metrics.declined++;
    set_state(f, e, res->status == CS_CONFIRMED ? CS_ENTRY_BOOKED : CS_ENTRY_WAITING, now_ms);
}

void waitlist_remap_courts(cs_facility *f, const cs_config *next, int64_t now_ms) {
    for (uint32_t i = 0; i < CS_WAITLIST_MAX; i++) {
        cs_entry *e = &f->entries[i];
        if (!e->in_use || e->court == CS_ALL_COURTS) continue;
        int court = facility_court_index(next, f->config.courts[e->court].id);
        if (court >= 0) {
            e->court = (uint8_t)court;
        } else {
            CS_ASSERT(e->state != CS_ENTRY_OFFERED); /* its hold kept the court */
            e->court = CS_ALL_COURTS;
            if (e->state == CS_ENTRY_WAITING) set_state(f, e, CS_ENTRY_LEFT, now_ms);
        }
    }
}

void waitlist_advance(cs_facility *f, int64_t now_ms) {
    /* Stops once every entry in use has been seen: seen + the entries not
     * yet visited make entry_count, which falls as entries are forgotten. */
    for (uint32_t i = 0, seen = 0; i < CS_WAITLIST_MAX && seen < f->entry_count; i++) {
        cs_entry *e = &f->entries[i];
        if (!e->in_use) continue;
        if (e->state == CS_ENTRY_WAITING && e->latest_end_ms <= now_ms) {
            f->waitlist_metrics.no_match++;
            set_state(f, e, CS_ENTRY_EXPIRED, now_ms);
        } else if (e->state != CS_ENTRY_WAITING && e->state != CS_ENTRY_OFFERED &&
                   e->updated_ms + CS_HISTORY_TTL_MS <= now_ms) {
            memset(e, 0, sizeof *e);
            f->entry_count--;
            f->changed = true;
            continue;
        }
        seen++;
    }
}

int64_t waitlist_next_deadline(const cs_facility *f, int64_t deadline_ms) {
    if (f->waitlist_retry_ms != 0 && (deadline_ms < 0 || f->waitlist_retry_ms < deadline_ms)) {
        deadline_ms = f->waitlist_retry_ms;
    }
    for (uint32_t i = 0, seen = 0; i < CS_WAITLIST_MAX && seen < f->entry_count; i++) {
        const cs_entry *e = &f->entries[i];
        seen += e->in_use;
        if (!e->in_use || e->state == CS_ENTRY_OFFERED) continue; /* its hold has the deadline */
        int64_t due = e->state == CS_ENTRY_WAITING ? e->latest_end_ms : e->updated_ms + CS_HISTORY_TTL_MS;
        if (deadline_ms < 0 || due < deadline_ms) deadline_ms = due;
    }
    return deadline_ms;
}

static void write_time_or_null(json_writer *w, int64_t ms) {
    if (ms == 0) json_null(w);
    else cs_write_time(w, ms);
}

void waitlist_write_entry(json_writer *w, const cs_facility *f, const cs_entry *e) {
    json_object_begin(w);
    json_key(w, "waitlistId");
    json_string(w, e->id);
    json_key(w, "memberId");
    json_string(w, e->member_id);
    json_key(w, "courtId");
    if (e->court == CS_ALL_COURTS) json_null(w);
    else json_string(w, f->config.courts[e->court].id);
    json_key(w, "earliestStart");
    cs_write_time(w, e->earliest_start_ms);
    json_key(w, "latestEnd");
    cs_write_time(w, e->latest_end_ms);
    json_key(w, "preferredStart");
    write_time_or_null(w, e->preferred_start_ms);
    json_key(w, "durationMinutes");
    json_int(w, e->duration_minutes);
    json_key(w, "partySize");
    json_int(w, e->party_size);
    json_key(w, "mode");
    json_string(w, e->mode == CS_MODE_OFFER ? "offer" : "auto_book");
    json_key(w, "state");
    json_string(w, state_names[e->state]);
    json_key(w, "reservationId");
    if (e->reservation_id[0] != '\0') json_string(w, e->reservation_id);
    else json_null(w);
    json_key(w, "createdAt");
    cs_write_time(w, e->created_ms);
    json_key(w, "updatedAt");
    cs_write_time(w, e->updated_ms);
    json_object_end(w);
}

/* The promotion (if any) that served `e` in this command, for the reply. */
void waitlist_write_promotion(json_writer *w, const cs_facility *f, const cs_promotion *p) {
    json_object_begin(w);
    json_key(w, "action");
    json_string(w, p->offer ? "offered" : "auto_booked");
    json_key(w, "waitlistId");
    json_string(w, f->entries[p->entry].id);
    json_key(w, "reservationId");
    json_string(w, f->reservations[p->reservation].id);
    json_object_end(w);
}

/* The join's arguments, validated into an entry. */
static const char *const join_fields[] = {"facilityId", "memberId",        "courtId",   "earliestStart",
                                          "latestEnd",  "durationMinutes", "partySize", "mode",
                                          "preferredStart", NULL};

static cs_error read_mode(cs_request *r, cs_entry *e) {
    uint32_t node;
    cs_error err = args_find(&r->args, "mode", &node);
    if (err != CS_OK) return err;
    const char *mode = node != 0 && json_at(r->args.doc, node)->type == JSON_STRING ? json_text(r->args.doc, node) : "";
    if (strcmp(mode, "auto_book") == 0) e->mode = CS_MODE_AUTO_BOOK;
    else if (strcmp(mode, "offer") == 0) e->mode = CS_MODE_OFFER;
    else return cs_fail_field(&r->f->message, "mode", "must be \"auto_book\" or \"offer\"");
    return CS_OK;
}

static cs_error read_entry(cs_request *r, cs_entry *e) {
    char court_id[CS_ID_MAX + 1];
    int64_t duration, party = 1;
    bool present, has_preferred;
    cs_message *m = &r->f->message;
    cs_error err = args_check_known(&r->args, join_fields);
    if (err == CS_OK) err = facility_check_id(r);
    if (err == CS_OK) err = args_id(&r->args, "memberId", true, e->member_id);
    if (err == CS_OK) err = args_id(&r->args, "courtId", false, court_id);
    if (err == CS_OK) err = args_time(&r->args, "earliestStart", true, &e->earliest_start_ms, &present);
    if (err == CS_OK) err = args_time(&r->args, "latestEnd", true, &e->latest_end_ms, &present);
    if (err == CS_OK) err = args_time(&r->args, "preferredStart", false, &e->preferred_start_ms, &has_preferred);
    if (err == CS_OK) err = args_int(&r->args, "durationMinutes", true, 1, 1440, &duration, &present);
    if (err == CS_OK) err = args_int(&r->args, "partySize", false, 1, CS_CAPACITY_MAX, &party, &present);
    if (err == CS_OK) err = read_mode(r, e);
    if (err != CS_OK) return err;
    e->duration_minutes = (uint16_t)duration;
    e->party_size = (uint16_t)party;
    e->court = CS_ALL_COURTS;
    if (court_id[0] != '\0') {
        int court = facility_court_index(&r->f->config, court_id);
        if (court < 0) return cs_fail(m, CS_ERR_NOT_FOUND, "no such court");
        e->court = (uint8_t)court;
    }
    if (e->latest_end_ms - e->earliest_start_ms < duration * CIVIL_MS_PER_MINUTE) {
        return cs_fail_field(m, "latestEnd", "the window must hold durationMinutes");
    }
    if (e->latest_end_ms - e->earliest_start_ms > (int64_t)CS_WAITLIST_WINDOW_DAYS_MAX * CIVIL_MS_PER_DAY) {
        _Static_assert(CS_WAITLIST_WINDOW_DAYS_MAX == 31, "the message says 31");
        return cs_fail_field(m, "latestEnd", "the window can be at most 31 days long");
    }
    if (has_preferred && (e->preferred_start_ms < e->earliest_start_ms || e->preferred_start_ms >= e->latest_end_ms)) {
        return cs_fail_field(m, "preferredStart", "must lie inside the window");
    }
    if (e->latest_end_ms <= r->now_ms) return cs_fail_field(m, "latestEnd", "is in the past");
    if (r->role == CS_ROLE_MEMBER && strcmp(r->actor_member_id, e->member_id) != 0) {
        return cs_fail(m, CS_ERR_FORBIDDEN, "members can only join the waitlist for themselves");
    }
    return CS_OK;
}

/* A duration the club allows, a party some acceptable court can take, room on the list. */
static cs_error check_join(cs_request *r, const cs_entry *e) {
    const cs_config *c = &r->f->config;
    cs_message *m = &r->f->message;
    bool duration_ok = false, party_ok = false;
    for (uint32_t i = 0; i < c->duration_count; i++) duration_ok |= c->durations_minutes[i] == e->duration_minutes;
    for (uint8_t i = 0; i < c->court_count; i++) {
        party_ok |= (e->court == CS_ALL_COURTS || e->court == i) && c->courts[i].capacity >= e->party_size;
    }
    if (!duration_ok) return cs_fail_rule(m, "duration", "that duration is not one the club allows");
    if (!party_ok) return cs_fail_rule(m, "party_size", "no acceptable court takes a party that size");
    uint32_t mine = 0, same_window = 0;
    for (uint32_t i = 0; i < CS_WAITLIST_MAX; i++) {
        const cs_entry *x = &r->f->entries[i];
        if (!x->in_use || (x->state != CS_ENTRY_WAITING && x->state != CS_ENTRY_OFFERED)) continue;
        mine += strcmp(x->member_id, e->member_id) == 0;
        same_window += x->court == e->court && x->earliest_start_ms == e->earliest_start_ms &&
                       x->latest_end_ms == e->latest_end_ms;
    }
    if (mine >= c->waitlist.max_per_member) {
        return cs_fail(m, CS_ERR_RATE_LIMITED, "this member is already waiting for as many slots as the club allows");
    }
    if (same_window >= c->waitlist.max_per_window) return cs_fail(m, CS_ERR_LIMIT_EXCEEDED, "the waitlist for that window is full");
    if (r->new_id == NULL || strlen(r->new_id) > ENTRY_ID_MAX) {
        return cs_fail_field(m, "newId", "the host must supply a fresh id of at most 60 characters");
    }
    if (entry_find(r->f, r->new_id) != NULL) return cs_fail_field(m, "newId", "is already in use");
    return r->f->entry_count < CS_WAITLIST_MAX ? CS_OK : cs_fail(m, CS_ERR_LIMIT_EXCEEDED, "the waitlist is full");
}

static cs_entry *entry_allocate(cs_facility *f) {
    for (uint32_t i = 0; i < CS_WAITLIST_MAX; i++) {
        if (!f->entries[i].in_use) return &f->entries[i];
    }
    return NULL;
}

static void write_entry_reply(cs_request *r, const cs_entry *e, const cs_promotion *promotion) {
    json_writer *w = r->reply;
    json_object_begin(w);
    json_key(w, "success");
    json_bool(w, true);
    json_key(w, "waitlistId");
    json_string(w, e->id);
    json_key(w, "entry");
    waitlist_write_entry(w, r->f, e);
    if (promotion != NULL) {
        json_key(w, "promotion");
        waitlist_write_promotion(w, r->f, promotion);
    }
    json_object_end(w);
}

cs_error waitlist_join(cs_request *r) {
    cs_entry next;
    memset(&next, 0, sizeof next);
    cs_error err = read_entry(r, &next);
    if (err == CS_OK) err = check_join(r, &next);
    if (err != CS_OK) return err;
    cs_entry *e = entry_allocate(r->f);
    *e = next;
    e->in_use = true;
    e->sequence = ++r->f->entry_sequence;
    e->created_ms = r->now_ms;
    memcpy(e->id, r->new_id, strlen(r->new_id) + 1);
    r->f->entry_count++;
    r->f->waitlist_metrics.joined++;
    set_state(r->f, e, CS_ENTRY_WAITING, r->now_ms);
    /* A place free right now serves the member at once (quiet hours do not
     * apply: the member is there). */
    cs_place place;
    const cs_promotion *promotion = NULL;
    if (matcher_place_now(r, e, &place) && waitlist_serve_entry(r, e, place)) {
        promotion = &r->f->promotions[r->f->promotion_count - 1];
    }
    r->status = 201;
    write_entry_reply(r, e, promotion);
    return CS_OK;
}

/* Finds the entry named by the arguments and checks the actor may act on it. */
static cs_error find_entry(cs_request *r, const char *const *fields, cs_entry **found) {
    char id[CS_ID_MAX + 1];
    cs_error err = args_check_known(&r->args, fields);
    if (err == CS_OK) err = facility_check_id(r);
    if (err == CS_OK) err = args_id(&r->args, "waitlistId", true, id);
    if (err != CS_OK) return err;
    *found = entry_find(r->f, id);
    if (*found == NULL) return cs_fail(&r->f->message, CS_ERR_NOT_FOUND, "no such waitlist entry");
    if (!cs_is_staff(r) && strcmp(r->actor_member_id, (*found)->member_id) != 0) {
        return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "this waitlist entry belongs to another member");
    }
    return CS_OK;
}

static const char *const entry_fields[] = {"facilityId", "waitlistId", NULL};

static cs_reservation *offer_of(cs_request *r, cs_entry *e) {
    cs_reservation *res = e->state == CS_ENTRY_OFFERED ? reservation_find(r->f, e->reservation_id) : NULL;
    CS_ASSERT(e->state != CS_ENTRY_OFFERED || (res != NULL && res->status == CS_HELD));
    return res;
}

cs_error waitlist_accept(cs_request *r) {
    cs_entry *e;
    cs_error err = find_entry(r, entry_fields, &e);
    if (err != CS_OK) return err;
    if (e->state == CS_ENTRY_BOOKED) {
        write_entry_reply(r, e, NULL);
        return CS_OK;
    }
    if (e->state != CS_ENTRY_OFFERED) {
        return cs_fail(&r->f->message, CS_ERR_HOLD_EXPIRED, "there is no open offer for this entry (it expired or was declined)");
    }
    cs_reservation *offer = offer_of(r, e);
    if ((offer->payment == CS_PAY_DUE || offer->payment == CS_PAY_CHECKOUT) && !cs_bypasses_rules(r)) {
        return cs_fail(&r->f->message, CS_ERR_PAYMENT_REQUIRED,
                       "this offer has a price: pay for it (POST /api/stripe/checkout with its reservationId) to accept it");
    }
    booking_settle_offer(r, offer, true);
    write_entry_reply(r, e, NULL);
    return CS_OK;
}

cs_error waitlist_decline(cs_request *r) {
    cs_entry *e;
    cs_error err = find_entry(r, entry_fields, &e);
    if (err != CS_OK) return err;
    if (e->state != CS_ENTRY_OFFERED) return cs_fail(&r->f->message, CS_ERR_INVALID_STATE, "there is no open offer to decline");
    booking_settle_offer(r, offer_of(r, e), false);
    write_entry_reply(r, e, NULL);
    return CS_OK;
}

cs_error waitlist_leave(cs_request *r) {
    cs_entry *e;
    cs_error err = find_entry(r, entry_fields, &e);
    if (err != CS_OK) return err;
    if (e->state == CS_ENTRY_OFFERED) booking_settle_offer(r, offer_of(r, e), false);
    if (e->state == CS_ENTRY_WAITING) set_state(r->f, e, CS_ENTRY_LEFT, r->now_ms);
    else if (e->state != CS_ENTRY_LEFT) return cs_fail(&r->f->message, CS_ERR_INVALID_STATE, "this entry has already ended");
    write_entry_reply(r, e, NULL);
    return CS_OK;
}

static const char *const list_fields[] = {"facilityId", "memberId", NULL};

cs_error waitlist_list(cs_request *r) {
    char member_id[CS_ID_MAX + 1];
    cs_error err = args_check_known(&r->args, list_fields);
    if (err == CS_OK) err = facility_check_id(r);
    if (err == CS_OK) err = args_id(&r->args, "memberId", false, member_id);
    if (err != CS_OK) return err;
    if (!cs_is_staff(r)) {
        if (member_id[0] != '\0' && strcmp(member_id, r->actor_member_id) != 0) {
            return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "members can only list their own entries");
        }
        memcpy(member_id, r->actor_member_id, sizeof member_id);
    }
    json_writer *w = r->reply;
    json_object_begin(w);
    json_key(w, "success");
    json_bool(w, true);
    json_key(w, "entries");
    json_array_begin(w);
    for (uint32_t i = 0; i < CS_WAITLIST_MAX; i++) {
        const cs_entry *e = &r->f->entries[i];
        if (e->in_use && (member_id[0] == '\0' || strcmp(e->member_id, member_id) == 0)) waitlist_write_entry(w, r->f, e);
    }
    json_array_end(w);
    json_object_end(w);
    return CS_OK;
}

cs_error waitlist_metrics(cs_request *r) {
    const cs_waitlist_metrics *m = &r->f->waitlist_metrics;
    cs_error err = args_check_known(&r->args, list_fields);
    if (err == CS_OK) err = facility_check_id(r);
    if (err != CS_OK) return err;
    if (!cs_is_staff(r)) return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "only staff can see waitlist metrics");
    uint32_t waiting = 0;
    for (uint32_t i = 0; i < CS_WAITLIST_MAX; i++) waiting += r->f->entries[i].in_use && r->f->entries[i].state == CS_ENTRY_WAITING;
    json_writer *w = r->reply;
    const struct {
        const char *name;
        uint32_t value;
    } counts[] = {{"waiting", waiting},         {"joined", m->joined},       {"autoBooked", m->auto_booked},
                  {"offered", m->offered},       {"accepted", m->accepted},   {"declined", m->declined},
                  {"offersExpired", m->offers_expired}, {"noMatch", m->no_match}};
    json_object_begin(w);
    json_key(w, "success");
    json_bool(w, true);
    json_key(w, "metrics");
    json_object_begin(w);
    for (uint32_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        json_key_text(w, counts[i].name);
        json_int(w, counts[i].value);
    }
    json_object_end(w);
    json_object_end(w);
    return CS_OK;
}

static const char *const waitlist_fields[] = {"offerMinutes", "maxEntriesPerMember", "maxEntriesPerWindow",
                                              "quietHours", "quietBypassMinutes", NULL};

cs_error waitlist_read_rules(const cs_args *a, cs_waitlist_rules *w) {
    int64_t offer = 30, per_member = 3, per_window = 20, bypass = 180;
    bool present;
    *w = (cs_waitlist_rules){.offer_minutes = (uint32_t)offer, .max_per_member = (uint16_t)per_member,
                             .max_per_window = (uint16_t)per_window, .quiet = {-1, -1},
                             .quiet_bypass_minutes = (uint32_t)bypass};
    if (a == NULL) return CS_OK;
    cs_error err = args_check_known(a, waitlist_fields);
    if (err == CS_OK) err = args_int(a, "offerMinutes", false, 1, 1440, &offer, &present);
    if (err == CS_OK) err = args_int(a, "maxEntriesPerMember", false, 1, 100, &per_member, &present);
    if (err == CS_OK) err = args_int(a, "maxEntriesPerWindow", false, 1, 1000, &per_window, &present);
    if (err == CS_OK) err = args_int(a, "quietBypassMinutes", false, 0, 1440, &bypass, &present);
    if (err != CS_OK) return err;
    w->offer_minutes = (uint32_t)offer;
    w->max_per_member = (uint16_t)per_member;
    w->max_per_window = (uint16_t)per_window;
    w->quiet_bypass_minutes = (uint32_t)bypass;
    return calendar_read_quiet_hours(a, "quietHours", &w->quiet);
}

void waitlist_write_rules(json_writer *w, const cs_waitlist_rules *rules) {
    json_object_begin(w);
    json_key(w, "offerMinutes");
    json_int(w, rules->offer_minutes);
    json_key(w, "maxEntriesPerMember");
    json_int(w, rules->max_per_member);
    json_key(w, "maxEntriesPerWindow");
    json_int(w, rules->max_per_window);
    json_key(w, "quietHours");
    calendar_write_quiet_hours(w, rules->quiet);
    json_key(w, "quietBypassMinutes");
    json_int(w, rules->quiet_bypass_minutes);
    json_object_end(w);
}
