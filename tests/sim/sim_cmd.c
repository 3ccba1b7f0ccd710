/* sim_cmd.c: a simulated command as JSON text. */
#include "sim_cmd.h"

#include <stdarg.h>
#include <stdio.h>

#include "sim_time.h"

const char *const sim_court_ids[SIM_COURTS] = {"c1", "c2", "lane"};

const char *const sim_op_names[SIM_OP_COUNT] = {
    [SIM_OP_CONFIGURE] = "configure", [SIM_OP_ATTEMPT] = "attempt",       [SIM_OP_CONFIRM] = "confirm",
    [SIM_OP_RELEASE] = "release",     [SIM_OP_CANCEL] = "cancel",         [SIM_OP_RESCHEDULE] = "reschedule",
    [SIM_OP_BOOK] = "book",           [SIM_OP_GET] = "get",               [SIM_OP_JOIN] = "waitlist_join",
    [SIM_OP_ACCEPT] = "waitlist_accept", [SIM_OP_DECLINE] = "waitlist_decline", [SIM_OP_LEAVE] = "waitlist_leave",
    [SIM_OP_CHECKIN] = "checkin",     [SIM_OP_TICK] = "tick",
};

uint32_t sim_court_capacity(const sim_setup *setup, int court) { return court == 2 ? setup->lane_capacity : 1; }

typedef struct text {
    char *p;
    size_t n, cap;
    bool overflow;
} text;

static void put(text *t, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(t->p + t->n, t->cap - t->n, format, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= t->cap - t->n) t->overflow = true;
    else t->n += (size_t)n;
}

static void put_time(text *t, const char *key, int64_t ms) {
    char when[SIM_TIME_TEXT];
    sim_time_format(ms, when);
    put(t, ",\"%s\":\"%s\"", key, when);
}

static void put_configure(text *t, const sim_setup *s) {
    put(t, "\"facilityId\":\"sim\",\"name\":\"Simulated Club\",\"timeZone\":\"%s\",", s->new_york ? "America/New_York" : "UTC");
    put(t, "\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\"},{\"courtId\":\"c2\",\"name\":\"Court 2\"},"
           "{\"courtId\":\"lane\",\"name\":\"Lane\",\"capacity\":%u}],", (unsigned)s->lane_capacity);
    put(t, "\"openingHours\":{\"mon\":[\"06:00-22:00\"],\"tue\":[\"06:00-22:00\"],\"wed\":[\"06:00-22:00\"],"
           "\"thu\":[\"06:00-22:00\"],\"fri\":[\"06:00-22:00\"],\"sat\":[\"07:00-12:00\",\"13:00-21:00\"],"
           "\"sun\":[\"00:00-24:00\"]},\"gridMinutes\":30,\"durationsMinutes\":[30,60,90,120],");
    put(t, "\"holdTtlSeconds\":%u,\"bufferMinutes\":%u,\"maxHoldsPerMember\":%u,", (unsigned)s->hold_ttl_seconds,
        (unsigned)s->buffer_minutes, (unsigned)s->max_holds);
    put(t, "\"rules\":{\"maxActiveReservations\":%u,\"cancelCutoffMinutes\":%u},", (unsigned)s->max_active,
        (unsigned)s->cancel_cutoff_minutes);
    put(t, "\"reminders\":{%s,\"quietHours\":%s,\"noShowGraceMinutes\":%u},",
        s->remind_every ? "\"everyHours\":2" : "\"offsetsMinutes\":[1440,120]",
        s->remind_quiet ? "\"22:00-07:00\"" : "null", (unsigned)s->no_show_grace_minutes);
    put(t, "\"waitlist\":{\"offerMinutes\":%u,\"quietHours\":%s,\"quietBypassMinutes\":180}", (unsigned)s->offer_minutes,
        s->waitlist_quiet ? "\"22:00-07:00\"" : "null");
}

static void put_args(text *t, const sim_cmd *c) {
    put(t, "\"facilityId\":\"sim\"");
    switch (c->op) {
    case SIM_OP_ATTEMPT:
    case SIM_OP_BOOK:
        put(t, ",\"courtId\":\"%s\"", sim_court_ids[c->court]);
        put_time(t, "startTime", c->start_ms);
        put_time(t, "endTime", c->end_ms);
        put(t, ",\"memberId\":\"%s\"", c->member);
        if (c->party != 1) put(t, ",\"partySize\":%u", (unsigned)c->party);
        if (c->key[0] != '\0') put(t, ",\"idempotencyKey\":\"%s\"", c->key);
        break;
    case SIM_OP_RESCHEDULE:
        put(t, ",\"reservationId\":\"%s\"", c->target);
        if (c->court >= 0) put(t, ",\"courtId\":\"%s\"", sim_court_ids[c->court]);
        if (c->start_ms != 0) put_time(t, "startTime", c->start_ms);
        if (c->end_ms != 0) put_time(t, "endTime", c->end_ms);
        put(t, ",\"expectedVersion\":%u", (unsigned)c->expected_version);
        break;
    case SIM_OP_CONFIRM:
    case SIM_OP_RELEASE:
    case SIM_OP_CANCEL:
    case SIM_OP_GET:
    case SIM_OP_CHECKIN:
        put(t, ",\"reservationId\":\"%s\"", c->target);
        break;
    case SIM_OP_JOIN:
        put(t, ",\"memberId\":\"%s\"", c->member);
        if (c->court >= 0) put(t, ",\"courtId\":\"%s\"", sim_court_ids[c->court]);
        put_time(t, "earliestStart", c->start_ms);
        put_time(t, "latestEnd", c->end_ms);
        put(t, ",\"durationMinutes\":%u,\"mode\":\"%s\"", (unsigned)c->duration_minutes,
            c->offer_mode ? "offer" : "auto_book");
        if (c->party != 1) put(t, ",\"partySize\":%u", (unsigned)c->party);
        break;
    case SIM_OP_ACCEPT:
    case SIM_OP_DECLINE:
    case SIM_OP_LEAVE:
        put(t, ",\"waitlistId\":\"%s\"", c->target);
        break;
    default:
        break;
    }
}

size_t sim_cmd_render(const sim_cmd *c, char *out, size_t cap) {
    text t = {.p = out, .cap = cap};
    put(&t, "{\"op\":\"%s\",\"now\":%lld", sim_op_names[c->op], (long long)c->now_ms);
    if (c->new_id[0] != '\0') put(&t, ",\"newId\":\"%s\"", c->new_id);
    if (c->actor != SIM_ACTOR_HOST) {
        put(&t, ",\"actor\":{\"memberId\":\"%s\",\"role\":\"%s\"}", c->actor_id,
            c->actor == SIM_ACTOR_STAFF ? "staff" : "member");
    }
    put(&t, ",\"args\":{");
    if (c->op == SIM_OP_CONFIGURE) put_configure(&t, &c->setup);
    else if (c->op != SIM_OP_TICK) put_args(&t, c);
    put(&t, "}}");
    return t.overflow ? 0 : t.n;
}
