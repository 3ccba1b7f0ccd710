/* command.c: the core's one entry point. Parses the command envelope,
 * advances the facility to `now`, runs the operation and writes the output
 * (status, changed, seq, deadline, reply, broadcasts, effects). */
#include <string.h>

#include "civil.h"
#include "core.h"

void cs_facility_init(cs_facility *f) { memset(f, 0, sizeof *f); }

/* A time is formatted straight into the output, in quotes: its text never
 * needs an escape. With `memo`, its date comes from there when it matches. */
static void write_quoted_time(json_writer *w, int64_t ms, civil_date_memo *memo) {
    char *out = json_raw_begin(w, CIVIL_RFC3339_MAX + 2);
    if (out == NULL) return;
    out[0] = '"';
    size_t len = memo != NULL ? civil_format_rfc3339_memo(ms, out + 1, memo) : civil_format_rfc3339(ms, out + 1);
    out[len + 1] = '"';
    json_raw_end(w, len + 2);
}

void cs_write_time(json_writer *w, int64_t ms) { write_quoted_time(w, ms, NULL); }

void cs_write_time_memo(json_writer *w, int64_t ms, civil_date_memo *memo) { write_quoted_time(w, ms, memo); }

static cs_error op_facility(cs_request *r) {
    static const char *const fields[] = {"facilityId", NULL};
    cs_error e = args_check_known(&r->args, fields);
    if (e == CS_OK) e = facility_check_id(r);
    return e == CS_OK ? facility_describe(r) : e;
}

static cs_error op_configure(cs_request *r) {
    if (!cs_is_staff(r)) return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "only staff can configure a facility");
    return facility_configure(r);
}

/* {success, seq}: the seq once the waitlist has taken what opened, as the header reports it. */
static cs_error op_tick_reply(cs_request *r) {
    matcher_run(r);
    json_object_begin(r->reply);
    json_key(r->reply, "success");
    json_bool(r->reply, true);
    json_key(r->reply, "seq");
    json_int(r->reply, (int64_t)r->f->seq);
    json_object_end(r->reply);
    return CS_OK;
}

static cs_error op_tick(cs_request *r) {
    static const char *const fields[] = {NULL};
    cs_error e = args_check_known(&r->args, fields);
    return e == CS_OK ? op_tick_reply(r) : e;
}

#ifndef CS_NO_DEBUG_TRAP
/* Traps on purpose, so hosts can test that a trap never bricks a facility.
 * Hosts only send it in development. Fuzzing builds leave it out: the one
 * trap made on purpose is not a finding. */
static cs_error op_debug_trap(cs_request *r) {
    (void)r;
    __builtin_trap();
}
#endif

/* A rebuilt facility continues its old sequence, so watchers' ETags and
 * seqs stay meaningful: seq becomes at least `seq` (a facility_updated
 * broadcast carries it). */
static cs_error op_raise_seq(cs_request *r) {
    static const char *const fields[] = {"facilityId", "seq", NULL};
    int64_t seq;
    bool present;
    if (!cs_is_staff(r)) return cs_fail(&r->f->message, CS_ERR_FORBIDDEN, "only staff can move a facility's seq");
    cs_error e = args_check_known(&r->args, fields);
    if (e == CS_OK) e = facility_check_id(r);
    if (e == CS_OK) e = args_int(&r->args, "seq", true, 0, INT64_MAX / 2, &seq, &present);
    if (e != CS_OK) return e;
    if ((uint64_t)seq > r->f->seq) {
        r->f->seq = (uint64_t)seq - 1;
        cs_emit(r->f, CS_EVENT_FACILITY_UPDATED, 0, 0, 0);
    }
    return op_tick_reply(r);
}

typedef cs_error (*cs_operation)(cs_request *r);

static const struct {
    const char *name;
    cs_operation run;
} operations[] = {
    {"configure", op_configure},     {"facility", op_facility},      {"attempt", booking_attempt},
    {"confirm", booking_confirm},    {"release", booking_release},   {"cancel", booking_cancel},
    {"get", booking_get},            {"availability", availability_day}, {"tick", op_tick},
    {"book", booking_book},          {"reschedule", booking_reschedule}, {"member", member_show},
    {"set_member", member_set_tier}, {"block", blocks_add},          {"unblock", blocks_remove},
    {"import", booking_import},      {"waitlist_join", waitlist_join}, {"waitlist_leave", waitlist_leave},
    {"waitlist_accept", waitlist_accept}, {"waitlist_decline", waitlist_decline},
    {"waitlist_list", waitlist_list}, {"waitlist_metrics", waitlist_metrics},
    {"checkin", reminders_check_in}, {"import_member", member_import}, {"raise_seq", op_raise_seq},
    {"checkout", payments_checkout}, {"payment_completed", payments_completed},
    {"checkout_expired", payments_checkout_expired}, {"refund", payments_staff_refund}, {"price", pricing_quote},
#ifndef CS_NO_DEBUG_TRAP
    {"debug_trap", op_debug_trap},
#endif
};

enum { FIELD_OP, FIELD_NOW, FIELD_NEW_ID, FIELD_ACTOR, FIELD_PARAMS, FIELD_ARGS, ENVELOPE_FIELDS };
static const char *const envelope_fields[ENVELOPE_FIELDS + 1] = {
    [FIELD_OP] = "op",         [FIELD_NOW] = "now",       [FIELD_NEW_ID] = "newId",
    [FIELD_ACTOR] = "actor",   [FIELD_PARAMS] = "params", [FIELD_ARGS] = "args",
    [ENVELOPE_FIELDS] = NULL};

static cs_error read_actor(cs_request *r, uint32_t node) {
    static const char *const fields[] = {"memberId", "role", NULL};
    static const char *const roles[] = {[CS_ROLE_MEMBER] = "member", [CS_ROLE_STAFF] = "staff", [CS_ROLE_ADMIN] = "admin"};
    if (json_at(r->args.doc, node)->type != JSON_OBJECT) return cs_fail_field(&r->f->message, "actor", "must be an object");
    cs_args a = {.doc = r->args.doc, .args = node, .params = 0, .message = &r->f->message};
    uint32_t role;
    cs_error e = args_check_known(&a, fields);
    if (e == CS_OK) e = args_id(&a, "memberId", false, r->actor_member_id);
    if (e == CS_OK) e = args_find(&a, "role", &role);
    if (e != CS_OK) return e;
    for (uint8_t i = CS_ROLE_MEMBER; role != 0 && i <= CS_ROLE_ADMIN; i++) {
        if (json_at(a.doc, role)->type == JSON_STRING && strcmp(json_text(a.doc, role), roles[i]) == 0) r->role = i;
    }
    if (r->role == CS_ROLE_HOST) return cs_fail_field(&r->f->message, "actor", "role must be member, staff or admin");
    if (r->role == CS_ROLE_MEMBER && r->actor_member_id[0] == '\0') {
        return cs_fail_field(&r->f->message, "actor", "a member must have a memberId");
    }
    return CS_OK;
}

/* `args` must close the envelope: a client's body spliced in as args can
 * then add nothing to the envelope (and a repeated key is a parse error). */
static bool args_is_last(const json_doc *doc, uint32_t args) { return json_at(doc, args)->next == 0; }

static cs_error read_envelope(cs_request *r, cs_operation *run) {
    const json_doc *doc = r->args.doc;
    cs_message *m = &r->f->message;
    if (json_at(doc, 0)->type != JSON_OBJECT) return cs_fail_field(m, "command", "must be an object");
    cs_args envelope = {.doc = doc, .args = 0, .params = 0, .message = m};
    uint32_t fields[ENVELOPE_FIELDS];
    cs_error e = args_collect(&envelope, envelope_fields, fields, sizeof fields / sizeof fields[0]);
    if (e != CS_OK) return e;
    uint32_t op = fields[FIELD_OP], now = fields[FIELD_NOW], new_id = fields[FIELD_NEW_ID], actor = fields[FIELD_ACTOR];
    uint32_t params = fields[FIELD_PARAMS], args = fields[FIELD_ARGS];
    if (args == 0 || json_at(doc, args)->type != JSON_OBJECT) return cs_fail_field(m, "args", "must be an object");
    if (!args_is_last(doc, args)) return cs_fail_field(m, "args", "must be the envelope's last field");
    if (params != 0 && json_at(doc, params)->type != JSON_OBJECT) return cs_fail_field(m, "params", "must be an object");
    r->args.args = args;
    r->args.params = params;

    const json_node *n = now != 0 ? json_at(doc, now) : NULL;
    if (n == NULL || n->type != JSON_NUMBER || !n->is_integer || n->integer < CIVIL_MS_MIN || n->integer > CIVIL_MS_MAX) {
        return cs_fail_field(m, "now", "must be an integer number of ms since 1970");
    }
    r->now_ms = n->integer > r->f->now_ms ? n->integer : r->f->now_ms;
    if (new_id != 0) {
        n = json_at(doc, new_id);
        if (n->type != JSON_STRING || !args_is_id(json_text(doc, new_id), n->str_len, CS_ID_MAX, true)) {
            return cs_fail_field(m, "newId", "must be an id");
        }
        r->new_id = json_text(doc, new_id);
    }
    if (actor != 0) {
        e = read_actor(r, actor);
        if (e != CS_OK) return e;
    }
    *run = NULL;
    for (uint32_t i = 0; op != 0 && i < sizeof operations / sizeof operations[0]; i++) {
        if (json_at(doc, op)->type == JSON_STRING && strcmp(json_text(doc, op), operations[i].name) == 0) {
            *run = operations[i].run;
            break;
        }
    }
    if (*run == NULL) return cs_fail_field(m, "op", "is not a known operation");
    return CS_OK;
}

static void write_error(json_writer *w, cs_error error, const cs_message *m) {
    json_object_begin(w);
    if (error != CS_ERR_NOT_MODIFIED) {
        json_key(w, "success");
        json_bool(w, false);
        json_key(w, "error");
        json_string(w, cs_error_code(error));
        json_key(w, "message");
        json_string_n(w, m->text, m->len);
        if (m->field != NULL) {
            json_key(w, "field");
            json_string(w, m->field);
        }
        if (m->rule != NULL) {
            json_key(w, "rule");
            json_string(w, m->rule);
        }
        if (m->current_version != 0) {
            json_key(w, "currentVersion");
            json_int(w, m->current_version);
        }
    }
    json_object_end(w);
}

static const char *const event_names[] = {
    [CS_EVENT_SLOT_PENDING] = "slot_pending",
    [CS_EVENT_SLOT_RESERVED] = "slot_reserved",
    [CS_EVENT_SLOT_RELEASED] = "slot_released",
    [CS_EVENT_FACILITY_UPDATED] = "facility_updated",
};

static void write_broadcasts(json_writer *w, const cs_facility *f) {
    json_array_begin(w);
    for (uint32_t i = 0; i < f->event_count; i++) {
        const cs_event *event = &f->events[i];
        if (event->type == 0) continue; /* recorded, not broadcast */
        json_object_begin(w);
        json_key(w, "type");
        json_string(w, event_names[event->type]);
        json_key(w, "seq");
        json_int(w, (int64_t)event->seq);
        if (event->type != CS_EVENT_FACILITY_UPDATED) {
            json_key(w, "courtId");
            json_string(w, f->config.courts[event->court].id);
            json_key(w, "startTime");
            cs_write_time(w, event->start_ms);
            json_key(w, "endTime");
            cs_write_time(w, event->end_ms);
            /* The facility-local day the change starts on: the day whose
             * availability shows it, so watchers of one day can skip the rest. */
            char date[CIVIL_DATE_MAX];
            json_key(w, "date");
            json_string_n(w, date, civil_format_date(calendar_local_day(&f->config, event->start_ms), date));
        }
        json_object_end(w);
    }
    json_array_end(w);
}

static const char *const action_names[] = {
    [CS_ACTION_ATTEMPT] = "attempt", [CS_ACTION_CONFIRM] = "confirm", [CS_ACTION_RELEASE] = "release",
    [CS_ACTION_CANCEL] = "cancel",   [CS_ACTION_EXPIRE] = "expire",   [CS_ACTION_BOOK] = "book",
    [CS_ACTION_RESCHEDULE] = "reschedule", [CS_ACTION_IMPORT] = "import",
    [CS_ACTION_WAITLIST_OFFER] = "waitlist_offer", [CS_ACTION_WAITLIST_BOOK] = "waitlist_book",
    [CS_ACTION_WAITLIST_ACCEPT] = "waitlist_accept", [CS_ACTION_WAITLIST_DECLINE] = "waitlist_decline",
    [CS_ACTION_NO_SHOW] = "no_show", [CS_ACTION_CHECK_IN] = "checkin",
    [CS_ACTION_CHECKOUT] = "checkout", [CS_ACTION_PAY] = "pay", [CS_ACTION_REFUND] = "refund",
};

static const char *const role_names[] = {
    [CS_ROLE_MEMBER] = "member", [CS_ROLE_STAFF] = "staff", [CS_ROLE_ADMIN] = "admin"};

/* Who made the change: the actor, or null for the host (and the clock). */
static void write_actor(json_writer *w, const cs_request *r) {
    if (r->role == CS_ROLE_HOST) {
        json_null(w);
        return;
    }
    json_object_begin(w);
    json_key(w, "memberId");
    if (r->actor_member_id[0] != '\0') json_string(w, r->actor_member_id);
    else json_null(w);
    json_key(w, "role");
    json_string(w, role_names[r->role]);
    json_object_end(w);
}

static void write_reservation_effect(json_writer *w, const cs_request *r, const cs_event *event) {
    json_object_begin(w);
    json_key(w, "type");
    json_string(w, "reservation");
    json_key(w, "action");
    json_string(w, action_names[event->action]);
    json_key(w, "actor");
    if (event->action == CS_ACTION_EXPIRE) json_null(w);
    else write_actor(w, r);
    json_key(w, "fromStatus");
    if (event->from_status == 0) json_null(w);
    else json_string(w, reservation_status_name(event->from_status));
    if (event->action == CS_ACTION_RESCHEDULE) {
        json_key(w, "previous");
        json_object_begin(w);
        json_key(w, "courtId");
        json_string(w, r->f->config.courts[event->from_court].id);
        json_key(w, "startTime");
        cs_write_time(w, event->from_start_ms);
        json_key(w, "endTime");
        cs_write_time(w, event->from_end_ms);
        json_object_end(w);
    }
    json_key(w, "reservation");
    reservation_write(r->f, &event->reservation, w);
    json_object_end(w);
}

static void write_facility_effect(json_writer *w, const cs_facility *f) {
    json_object_begin(w);
    json_key(w, "type");
    json_string(w, "facility");
    json_key(w, "facility");
    json_object_begin(w);
    facility_write_settings(w, &f->config);
    json_object_end(w);
    json_key(w, "blocks");
    blocks_write(w, f);
    json_object_end(w);
}

static void write_member_effect(json_writer *w, const cs_facility *f, const cs_member *m) {
    json_object_begin(w);
    json_key(w, "type");
    json_string(w, "member");
    json_key(w, "member");
    member_write(w, f, m->id);
    json_object_end(w);
}

static const char *const notice_names[] = {
    [CS_NOTICE_CONFIRMATION] = "confirmation", [CS_NOTICE_REMINDER] = "reminder",
    [CS_NOTICE_CANCELLATION] = "cancellation", [CS_NOTICE_NO_SHOW] = "no_show",
    [CS_NOTICE_WAITLIST_OFFER] = "waitlist_offer", [CS_NOTICE_WAITLIST_BOOKED] = "waitlist_auto_booked",
    [CS_NOTICE_PAYMENT_REFUNDED] = "payment_refunded",
};

/* A message for the notifier; `noticeId` is its dedupe key. */
static void write_notice(json_writer *w, const cs_facility *f, const cs_notice *n) {
    const cs_reservation *res = &n->reservation;
    json_object_begin(w);
    json_key(w, "type");
    json_string(w, "notification");
    json_key(w, "notification");
    json_object_begin(w);
    json_key(w, "kind");
    json_string(w, notice_names[n->kind]);
    json_key(w, "noticeId");
    if (n->kind == CS_NOTICE_REMINDER) {
        reminders_write_job_id(w, res->id, n->job);
    } else {
        cs_message m; /* the message builder makes the text: "{reservationId}-{kind}-{version}" */
        cs_message_start(&m);
        cs_message_text(&m, res->id);
        cs_message_text(&m, "-");
        cs_message_text(&m, notice_names[n->kind]);
        cs_message_text(&m, "-");
        cs_message_int(&m, res->version);
        json_string_n(w, m.text, m.len);
    }
    json_key(w, "memberId");
    json_string(w, res->member_id);
    json_key(w, "reservationId");
    json_string(w, res->id);
    json_key(w, "courtId");
    json_string(w, f->config.courts[res->court].id);
    json_key(w, "startTime");
    cs_write_time(w, res->start_ms);
    json_key(w, "endTime");
    cs_write_time(w, res->end_ms);
    if (n->kind == CS_NOTICE_REMINDER) {
        json_key(w, "minutesBefore");
        json_int(w, n->minutes_before);
    }
    if (n->entry != 0) {
        json_key(w, "waitlistId");
        json_string(w, f->entries[n->entry - 1].id);
    }
    if (n->kind == CS_NOTICE_WAITLIST_OFFER) {
        json_key(w, "offerExpiry");
        cs_write_time(w, res->hold_expiry_ms);
    }
    if (n->kind == CS_NOTICE_PAYMENT_REFUNDED) {
        json_key(w, "refundReason");
        json_string(w, payments_reason_name(n->refund_reason));
        json_key(w, "amount");
        json_int(w, res->amount);
        json_key(w, "currency");
        json_string(w, f->config.pricing.currency);
    }
    json_object_end(w);
    json_object_end(w);
}

/* A reservation's reminder jobs changed: those cancelled, those scheduled now. */
static void write_replan(json_writer *w, const cs_facility *f, const cs_replan *p) {
    const cs_reservation *res = &f->reservations[p->row];
    json_object_begin(w);
    json_key(w, "type");
    json_string(w, "reminders");
    json_key(w, "reservationId");
    json_string(w, p->id);
    json_key(w, "cancelled");
    json_array_begin(w);
    for (uint32_t n = p->cancel_first; n <= p->cancel_last; n++) reminders_write_job_id(w, p->id, (uint16_t)n);
    json_array_end(w);
    json_key(w, "scheduled");
    if (res->in_use && strcmp(res->id, p->id) == 0) {
        reminders_write_jobs(w, f, res);
    } else { /* forgotten since (an ended booking): nothing left to schedule */
        json_array_begin(w);
        json_array_end(w);
    }
    json_object_end(w);
}

/* The work for the host: rows for the projection and the audit log. */
static void write_effects(json_writer *w, const cs_request *r) {
    const cs_facility *f = r->f;
    json_array_begin(w);
    for (uint32_t i = 0; i < f->event_count; i++) {
        const cs_event *event = &f->events[i];
        if (event->action != CS_ACTION_NONE) write_reservation_effect(w, r, event);
        if (event->type == CS_EVENT_FACILITY_UPDATED) write_facility_effect(w, f);
    }
    for (uint32_t i = 0; i < f->member_change_count; i++) write_member_effect(w, f, &f->members[f->member_changes[i]]);
    for (uint32_t i = 0; i < f->entry_change_count; i++) {
        json_object_begin(w);
        json_key(w, "type");
        json_string(w, "waitlist");
        json_key(w, "entry");
        waitlist_write_entry(w, f, &f->entries[f->entry_changes[i]]);
        json_object_end(w);
    }
    for (uint32_t i = 0; i < f->notice_count; i++) write_notice(w, f, &f->notices[i]);
    for (uint32_t i = 0; i < f->replan_count; i++) write_replan(w, f, &f->replans[i]);
    payments_write_refunds(w, f);
    json_array_end(w);
}

static size_t append(uint8_t *out, size_t len, size_t cap, const char *text) {
    size_t n = strlen(text);
    CS_ASSERT(len + n <= cap);
    memcpy(out + len, text, n);
    return len + n;
}

enum { HEADER_MAX = 128 };

/* The output's header, through `,"reply":`, into `header`; returns its length. */
static size_t write_header(uint8_t header[HEADER_MAX], int status, bool changed, uint64_t seq, int64_t deadline) {
    CS_ASSERT(status >= 100 && status <= 999); /* three digits, as header_length counts */
    json_writer h;
    json_writer_init(&h, header, HEADER_MAX);
    json_object_begin(&h);
    json_key(&h, "status");
    json_int(&h, status);
    json_key(&h, "changed");
    json_bool(&h, changed);
    json_key(&h, "seq");
    json_int(&h, (int64_t)seq);
    json_key(&h, "deadline");
    if (deadline < 0) json_null(&h);
    else json_int(&h, deadline);
    CS_ASSERT(!h.overflow && h.len + 10 <= HEADER_MAX);
    return append(header, h.len, HEADER_MAX, ",\"reply\":");
}

static size_t decimal_digits(uint64_t value) {
    size_t n = 1;
    for (; value >= 10; value /= 10) n++;
    return n;
}

/* The length write_header gives, worked out without writing it. */
static size_t header_length(bool changed, uint64_t seq, int64_t deadline) {
    return sizeof "{\"status\":200,\"changed\":,\"seq\":,\"deadline\":,\"reply\":" - 1 + (changed ? 4 : 5) +
           decimal_digits(seq) + (deadline < 0 ? 4 : decimal_digits((uint64_t)deadline));
}

/* Where the reply starts: after a header as long as this command's most
 * likely one (nothing changed, the kept deadline), so that most often,
 * and always for a plain read, whose reply is the longest, the header
 * fits in front of it exactly and the reply is not moved. */
static size_t reply_offset(const cs_facility *f) {
    size_t at = header_length(false, f->seq, f->clock_known ? f->clock_deadline_ms : -1);
    CS_ASSERT(at <= HEADER_MAX); /* at most 95: 20 digits of seq, 19 of a deadline */
    return at;
}

/* The output is written as: header, reply, broadcasts, effects. The reply
 * is written first (at `reply_at`) because the header depends on what the
 * operation did; the header then goes in front of it, the reply moved
 * only when the header's length differs from the guess. */
static size_t write_output(const cs_request *r, cs_error error, json_writer *reply, size_t reply_at, uint8_t *out,
                           size_t cap) {
    cs_facility *f = r->f;
    CS_ASSERT(!reply->overflow);
    int64_t deadline = clock_deadline(f);
#ifndef NDEBUG
    index_check(f);
#endif
    uint8_t header[HEADER_MAX];
    size_t len = write_header(header, error == CS_OK ? r->status : cs_error_status(error), f->changed, f->seq, deadline);
    CS_ASSERT(len == header_length(f->changed, f->seq, deadline));
    if (len != reply_at) memmove(out + len, out + reply_at, reply->len);
    memcpy(out, header, len);
    len += reply->len;

    len = append(out, len, cap, ",\"broadcasts\":");
    json_writer tail;
    json_writer_init(&tail, out + len, cap - len);
    write_broadcasts(&tail, f);
    CS_ASSERT(!tail.overflow);
    len += tail.len;
    len = append(out, len, cap, ",\"effects\":");
    json_writer_init(&tail, out + len, cap - len);
    write_effects(&tail, r);
    CS_ASSERT(!tail.overflow);
    len += tail.len;
    return append(out, len, cap, "}");
}

size_t cs_execute(cs_facility *f, const uint8_t *input, size_t length, uint8_t *out, size_t cap) {
    CS_ASSERT(cap >= CS_OUTPUT_MAX);
    f->changed = false;
    f->event_count = 0;
    f->member_change_count = 0;
    f->waitlist_due = false;
    f->events_matched = 0;
    f->promotion_count = 0;
    f->entry_change_count = 0;
    f->notice_count = 0;
    f->replan_count = 0;
    f->refund_count = 0;
    f->clock_changed_count = 0;
    cs_message_start(&f->message);
    /* The reply's room stays cap - HEADER_MAX wherever it starts, so it
     * fits behind any header. */
    size_t reply_at = reply_offset(f);
    json_writer reply;
    json_writer_init(&reply, out + reply_at, cap - HEADER_MAX);
    cs_request r = {.f = f, .args = {.doc = &f->doc, .message = &f->message}, .reply = &reply, .status = 200};

    cs_error error = CS_OK;
    cs_operation run = NULL;
    if (length > CS_INPUT_MAX) {
        error = cs_fail(&f->message, CS_ERR_PAYLOAD_TOO_LARGE, "the command is larger than ");
        cs_message_int(&f->message, CS_INPUT_MAX);
        cs_message_text(&f->message, " bytes");
    } else if (json_parse(&f->doc, input, length) != JSON_OK) {
        error = cs_fail(&f->message, CS_ERR_INVALID_JSON, f->doc.error_message);
    } else {
        error = read_envelope(&r, &run);
    }
    if (error == CS_OK) {
        clock_advance(f, r.now_ms);
        error = run(&r);
        matcher_run(&r); /* whatever opened goes to the waitlist */
    }
    if (error != CS_OK) {
        json_writer_init(&reply, out + reply_at, cap - HEADER_MAX);
        write_error(&reply, error, &f->message);
    }
    if (f->changed) f->now_ms = r.now_ms;
    return write_output(&r, error, &reply, reply_at, out, cap);
}
