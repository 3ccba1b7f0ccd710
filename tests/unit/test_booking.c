/* test_booking.c: the booking state machine through the core's one entry
 * point: holds, confirm, release, cancel, expiry, capacity, idempotency,
 * availability (including daylight-saving days, and a day read again after
 * changes), errors that change nothing, and replay of the changed commands
 * rebuilding the same state. */
#include "check.h"
#include "driver.h"
#include "core.h"
#include "snapshot.h"

static const char *config =
    "{\"facilityId\":\"club\",\"name\":\"Club\",\"timeZone\":\"America/New_York\","
    "\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\"},{\"courtId\":\"lane\",\"name\":\"Lane\",\"capacity\":2}],"
    "\"openingHours\":{\"mon\":[\"06:00-22:00\"],\"tue\":[\"06:00-22:00\"],\"wed\":[\"06:00-22:00\"],"
    "\"thu\":[\"06:00-22:00\"],\"fri\":[\"06:00-22:00\"],\"sat\":[\"00:00-24:00\"],\"sun\":[\"00:00-24:00\"]},"
    "\"gridMinutes\":30,\"durationsMinutes\":[30,60,90,120]}";

static void configure(cs_facility *f) {
    cs_facility_init(f);
    changed_count = 0;
    run(f, "{\"op\":\"configure\",\"now\":%lld,\"args\":%s}", (long long)T0, config);
    CHECK_INT(number("status"), 200);
    CHECK_INT(number("reply.holdTtlSeconds"), 15);
    CHECK_STR(text("reply.tzRule"), "EST5EDT,M3.2.0,M11.1.0");
}

/* A new facility "club" configured with `settings` (the members of the
 * configure body after its id and name). */
static void configure_with(cs_facility *f, const char *settings) {
    cs_facility_init(f);
    run(f, "{\"op\":\"configure\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"name\":\"Club\",%s}}",
        (long long)T0, settings);
    CHECK_INT(number("status"), 200);
}

/* Attempt by `member` on `court` from `start` (RFC 3339) for `minutes`. */
static void attempt(cs_facility *f, int64_t now, const char *id, const char *member, const char *court,
                    const char *start, const char *end) {
    run(f,
        "{\"op\":\"attempt\",\"now\":%lld,\"newId\":\"%s\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"%s\","
        "\"startTime\":\"%s\",\"endTime\":\"%s\",\"memberId\":\"%s\"}}",
        (long long)now, id, court, start, end, member);
}

static void act(cs_facility *f, const char *op, int64_t now, const char *id, const char *actor) {
    if (actor != NULL) {
        run(f, "{\"op\":\"%s\",\"now\":%lld,\"actor\":%s,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"%s\"}}", op,
            (long long)now, actor, id);
    } else {
        run(f, "{\"op\":\"%s\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"%s\"}}", op,
            (long long)now, id);
    }
}

/* Wed 2026-12-02, 18:00 New York = 23:00Z. */
static void test_hold_confirm_and_overlap(cs_facility *f) {
    configure(f);
    attempt(f, T0, "r1", "m1", "c1", "2026-12-02T23:00:00Z", "2026-12-03T00:30:00Z");
    CHECK_INT(number("status"), 200);
    CHECK_STR(text("reply.reservationId"), "r1");
    CHECK_STR(text("reply.holdExpiry"), "2026-12-01T00:00:15Z");
    CHECK_INT(number("deadline"), T0 + 15000);
    CHECK_INT(json_at(&out_doc, at("broadcasts"))->count, 1);

    /* A 90-minute booking at 18:00 blocks an attempt at 18:30. */
    attempt(f, T0 + 1, "r2", "m2", "c1", "2026-12-02T23:30:00Z", "2026-12-03T00:30:00Z");
    CHECK_INT(number("status"), 409);
    CHECK_STR(text("reply.error"), "slot_unavailable");
    CHECK(!changed());
    /* ...but not one that starts when it ends. */
    attempt(f, T0 + 2, "r3", "m2", "c1", "2026-12-03T00:30:00Z", "2026-12-03T01:30:00Z");
    CHECK_INT(number("status"), 200);

    /* Only the holder or staff may confirm. */
    act(f, "confirm", T0 + 3, "r1", "{\"memberId\":\"m2\",\"role\":\"member\"}");
    CHECK_INT(number("status"), 403);
    CHECK_STR(text("reply.error"), "forbidden");
    act(f, "confirm", T0 + 4, "r1", "{\"memberId\":\"m1\",\"role\":\"member\"}");
    CHECK_INT(number("status"), 200);
    CHECK_STR(text("reply.reservation.status"), "confirmed");
    CHECK_INT(number("reply.reservation.version"), 2);
    CHECK_INT(json_at(&out_doc, at("broadcasts"))->count, 1);
    int64_t seq = number("seq");
    /* Confirming again returns it unchanged. */
    act(f, "confirm", T0 + 5, "r1", NULL);
    CHECK_INT(number("status"), 200);
    CHECK_INT(number("reply.reservation.version"), 2);
    CHECK_INT(number("seq"), seq);
    CHECK(!changed());

    /* Release frees a hold; a confirmed booking is cancelled, not released. */
    act(f, "release", T0 + 6, "r1", NULL);
    CHECK_INT(number("status"), 409);
    CHECK_STR(text("reply.error"), "invalid_state");
    act(f, "cancel", T0 + 7, "r1", NULL);
    CHECK_STR(text("reply.reservation.status"), "cancelled");
    CHECK_INT(number("seq"), seq + 1);
    attempt(f, T0 + 8, "r4", "m2", "c1", "2026-12-02T23:30:00Z", "2026-12-03T00:30:00Z");
    CHECK_INT(number("status"), 200);
    act(f, "release", T0 + 9, "r4", NULL);
    CHECK_STR(text("reply.reservation.status"), "released");
    act(f, "release", T0 + 10, "r4", NULL);
    CHECK_INT(number("status"), 200);
    CHECK(!changed());
}

static void test_expiry_is_exact(cs_facility *f) {
    configure(f);
    attempt(f, T0, "a", "m1", "c1", "2026-12-02T23:00:00Z", "2026-12-03T00:00:00Z");
    attempt(f, T0, "b", "m1", "c1", "2026-12-03T00:00:00Z", "2026-12-03T01:00:00Z");
    act(f, "confirm", T0 + 14999, "a", NULL);
    CHECK_INT(number("status"), 200);
    act(f, "confirm", T0 + 15000, "b", NULL);
    CHECK_INT(number("status"), 410);
    CHECK_STR(text("reply.error"), "hold_expired");
    CHECK_STR(text("reply.message"), "the hold expired at 2026-12-01T00:00:15Z");
    CHECK(changed()); /* advancing to now expired the hold */
    act(f, "get", T0 + 15001, "b", NULL);
    CHECK_STR(text("reply.reservation.status"), "expired");
    CHECK_STR(text("reply.reservation.updatedAt"), "2026-12-01T00:00:15Z");

    /* tick expires holds and reports the next deadline. */
    attempt(f, T0 + 20000, "c", "m1", "c1", "2026-12-03T00:00:00Z", "2026-12-03T01:00:00Z");
    CHECK_INT(number("deadline"), T0 + 35000);
    run(f, "{\"op\":\"tick\",\"now\":%lld,\"args\":{}}", (long long)(T0 + 35000));
    CHECK_INT(number("status"), 200);
    CHECK_INT(json_at(&out_doc, at("broadcasts"))->count, 1);
    act(f, "get", T0 + 35001, "c", NULL);
    CHECK_STR(text("reply.reservation.status"), "expired");
    /* Time never goes back: a late `now` is treated as the latest seen. */
    attempt(f, T0, "d", "m1", "c1", "2026-12-03T00:00:00Z", "2026-12-03T01:00:00Z");
    CHECK_STR(text("reply.holdExpiry"), "2026-12-01T00:00:50Z");
}

static void test_capacity_and_party_size(cs_facility *f) {
    configure(f);
    attempt(f, T0, "x1", "m1", "lane", "2026-12-02T23:00:00Z", "2026-12-03T00:00:00Z");
    attempt(f, T0, "x2", "m2", "lane", "2026-12-02T23:30:00Z", "2026-12-03T00:30:00Z");
    CHECK_INT(number("status"), 200);
    attempt(f, T0, "x3", "m3", "lane", "2026-12-02T23:30:00Z", "2026-12-03T00:00:00Z");
    CHECK_INT(number("status"), 409);
    run(f,
        "{\"op\":\"attempt\",\"now\":%lld,\"newId\":\"x4\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"lane\","
        "\"startTime\":\"2026-12-03T00:00:00Z\",\"endTime\":\"2026-12-03T01:00:00Z\",\"memberId\":\"m4\",\"partySize\":2}}",
        (long long)T0);
    CHECK_INT(number("status"), 409); /* x2 still uses one place until 00:30 */
    run(f,
        "{\"op\":\"attempt\",\"now\":%lld,\"newId\":\"x5\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"lane\","
        "\"startTime\":\"2026-12-03T00:30:00Z\",\"endTime\":\"2026-12-03T01:30:00Z\",\"memberId\":\"m4\",\"partySize\":3}}",
        (long long)T0);
    CHECK_INT(number("status"), 409);
    CHECK_STR(text("reply.rule"), "party_size");

    run(f, "{\"op\":\"availability\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"date\":\"2026-12-02\"}}",
        (long long)T0);
    CHECK_INT(number("status"), 200);
    uint32_t lane = json_at(&out_doc, at("reply.courts"))->first;
    lane = json_at(&out_doc, lane)->next;
    uint32_t slots = json_object_get(&out_doc, lane, "slots");
    CHECK_INT(json_at(&out_doc, slots)->count, 32); /* 06:00-22:00 */
    uint32_t slot = json_at(&out_doc, slots)->first;
    for (int i = 0; i < 30; i++) slot = json_at(&out_doc, slot)->next; /* 21:00 local = 02:00Z */
    CHECK_STR(json_text(&out_doc, json_object_get(&out_doc, slot, "startTime")), "2026-12-03T02:00:00Z");
    /* 18:00 (index 24) has one place left, 18:30 none: pending (holds). */
    slot = json_at(&out_doc, slots)->first;
    for (int i = 0; i < 24; i++) slot = json_at(&out_doc, slot)->next;
    CHECK_STR(json_text(&out_doc, json_object_get(&out_doc, slot, "status")), "available");
    CHECK_INT(json_at(&out_doc, json_object_get(&out_doc, slot, "remaining"))->integer, 1);
    slot = json_at(&out_doc, slot)->next;
    CHECK_STR(json_text(&out_doc, json_object_get(&out_doc, slot, "status")), "pending");
    act(f, "confirm", T0 + 1, "x1", NULL);
    act(f, "confirm", T0 + 1, "x2", NULL);
    run(f, "{\"op\":\"availability\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"date\":\"2026-12-02\"}}",
        (long long)T0 + 2);
    int64_t seq = number("seq");
    lane = json_at(&out_doc, json_at(&out_doc, at("reply.courts"))->first)->next;
    slot = json_at(&out_doc, json_object_get(&out_doc, lane, "slots"))->first;
    for (int i = 0; i < 25; i++) slot = json_at(&out_doc, slot)->next;
    CHECK_STR(json_text(&out_doc, json_object_get(&out_doc, slot, "status")), "reserved");
    /* knownSeq equal to seq: 304 and nothing else. */
    run(f,
        "{\"op\":\"availability\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"date\":\"2026-12-02\",\"knownSeq\":%lld}}",
        (long long)T0 + 3, (long long)seq);
    CHECK_INT(number("status"), 304);
}

/* The slot of the second court ("hall") at local `index` (from 06:00, every 30 minutes) of 2026-12-02. */
static uint32_t hall_slot(cs_facility *f, int64_t now, int index) {
    run(f, "{\"op\":\"availability\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"date\":\"2026-12-02\"}}",
        (long long)now);
    CHECK_INT(number("status"), 200);
    uint32_t hall = json_at(&out_doc, json_at(&out_doc, at("reply.courts"))->first)->next;
    uint32_t slot = json_at(&out_doc, json_object_get(&out_doc, hall, "slots"))->first;
    for (int i = 0; i < index; i++) slot = json_at(&out_doc, slot)->next;
    return slot;
}

static void check_slot_state(uint32_t slot, const char *status, int64_t remaining) {
    CHECK_STR(json_text(&out_doc, json_object_get(&out_doc, slot, "status")), status);
    CHECK_INT(json_at(&out_doc, json_object_get(&out_doc, slot, "remaining"))->integer, remaining);
}

/* A court's day with more reservations than availability takes as compact
 * spans (RESERVATION_SPANS_MAX) is counted by the per-slot path, and both
 * give the same answers on either side of the limit. */
static void test_busy_court_day(cs_facility *f) {
    configure_with(f,
        "\"timeZone\":\"America/New_York\",\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\"},"
        "{\"courtId\":\"hall\",\"name\":\"Hall\",\"capacity\":130}],"
        "\"openingHours\":{\"wed\":[\"06:00-22:00\"]},\"gridMinutes\":30,\"durationsMinutes\":[60]");
    int places = 130;
    CHECK(places > RESERVATION_SPANS_MAX);
    char id[16], member[16];
    for (int i = 0; i < places; i++) {
        snprintf(id, sizeof id, "h%d", i);
        snprintf(member, sizeof member, "m%d", i);
        attempt(f, T0, id, member, "hall", "2026-12-02T23:00:00Z", "2026-12-03T00:00:00Z"); /* 18:00-19:00 */
        CHECK_INT(number("status"), 200);
    }
    /* 17:30 (index 23) overlaps nothing; 18:00 (24) is full of holds. */
    check_slot_state(hall_slot(f, T0, 23), "available", 130);
    check_slot_state(hall_slot(f, T0, 24), "pending", 0);
    for (int i = 0; i < places; i++) {
        snprintf(id, sizeof id, "h%d", i);
        act(f, "confirm", T0 + 1, id, NULL);
        CHECK_INT(number("status"), 200);
    }
    check_slot_state(hall_slot(f, T0 + 1, 24), "reserved", 0);
    check_slot_state(hall_slot(f, T0 + 1, 25), "reserved", 0); /* 18:30 too */
    /* 129 rows, then 128 (compact spans again): one and two places free. */
    act(f, "cancel", T0 + 2, "h0", NULL);
    CHECK_INT(number("status"), 200);
    check_slot_state(hall_slot(f, T0 + 2, 24), "available", 1);
    act(f, "cancel", T0 + 2, "h1", NULL);
    check_slot_state(hall_slot(f, T0 + 2, 24), "available", 2);
    check_slot_state(hall_slot(f, T0 + 2, 26), "available", 130); /* 19:00 */
}

/* Slots that no span, one span or several overlap (the buffer widening
 * each booking by 10 minutes), on a court of two places. */
static void test_slots_touched_by_spans(cs_facility *f) {
    configure_with(f,
        "\"timeZone\":\"America/New_York\",\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\"},"
        "{\"courtId\":\"hall\",\"name\":\"Hall\",\"capacity\":2}],\"bufferMinutes\":10,"
        "\"openingHours\":{\"wed\":[\"06:00-22:00\"]},\"gridMinutes\":30,\"durationsMinutes\":[60]");
    attempt(f, T0, "a", "m1", "hall", "2026-12-02T23:00:00Z", "2026-12-03T00:00:00Z"); /* 18:00-19:00, 17:50-19:10 with the buffer */
    CHECK_INT(number("status"), 200);
    attempt(f, T0, "b", "m2", "hall", "2026-12-02T23:30:00Z", "2026-12-03T00:30:00Z"); /* 18:30-19:30, 18:20-19:40 */
    CHECK_INT(number("status"), 200);
    act(f, "confirm", T0 + 1, "a", NULL);
    CHECK_INT(number("status"), 200);
    check_slot_state(hall_slot(f, T0 + 1, 22), "available", 2); /* 17:00 */
    check_slot_state(hall_slot(f, T0 + 1, 23), "available", 1); /* 17:30: a's buffer */
    check_slot_state(hall_slot(f, T0 + 1, 24), "pending", 0);   /* 18:00: a, and b from 18:20 */
    check_slot_state(hall_slot(f, T0 + 1, 26), "pending", 0);   /* 19:00: a's buffer to 19:10, and b */
    check_slot_state(hall_slot(f, T0 + 1, 27), "available", 1); /* 19:30: b's buffer */
    check_slot_state(hall_slot(f, T0 + 1, 28), "available", 2); /* 20:00 */
    act(f, "confirm", T0 + 2, "b", NULL);
    CHECK_INT(number("status"), 200);
    check_slot_state(hall_slot(f, T0 + 2, 25), "reserved", 0); /* 18:30 */
    check_slot_state(hall_slot(f, T0 + 2, 27), "available", 1);
}

/* Clocks that go forward at 23:30 skip the next day's first half hour, so
 * its 00:30 opening comes before its midnight read in standard time: the
 * slot from 00:30 is the day's, and so are a hold and a block in it. */
static void test_day_opening_before_its_midnight(cs_facility *f) {
    configure_with(f,
        "\"timeZone\":\"Etc/Test\",\"tzRule\":\"EST5EDT,M3.2.0/23:30,M11.1.0\","
        "\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\"},{\"courtId\":\"hall\",\"name\":\"Hall\"}],"
        "\"openingHours\":{\"mon\":[\"00:30-02:00\"]},\"gridMinutes\":30,\"durationsMinutes\":[30]");
    /* Sunday 2027-03-14 23:30 EST is 04:30Z on the 15th, and 00:30 EDT. */
    attempt(f, T0, "early", "m1", "hall", "2027-03-15T04:30:00Z", "2027-03-15T05:00:00Z");
    CHECK_INT(number("status"), 200);
    run(f,
        "{\"op\":\"block\",\"now\":%lld,\"newId\":\"b1\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"c1\","
        "\"startTime\":\"2027-03-15T04:30:00Z\",\"endTime\":\"2027-03-15T05:00:00Z\",\"reason\":\"repairs\"}}",
        (long long)T0);
    CHECK_INT(number("status"), 200);
    run(f, "{\"op\":\"availability\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"date\":\"2027-03-15\"}}",
        (long long)T0);
    CHECK_INT(number("status"), 200);
    uint32_t c1 = json_at(&out_doc, at("reply.courts"))->first;
    uint32_t hall = json_at(&out_doc, c1)->next;
    uint32_t first = json_at(&out_doc, json_object_get(&out_doc, hall, "slots"))->first;
    CHECK_STR(json_text(&out_doc, json_object_get(&out_doc, first, "startTime")), "2027-03-15T04:30:00Z");
    check_slot_state(first, "pending", 0);
    check_slot_state(json_at(&out_doc, first)->next, "available", 1);
    first = json_at(&out_doc, json_object_get(&out_doc, c1, "slots"))->first;
    check_slot_state(first, "closed", 0);
    check_slot_state(json_at(&out_doc, first)->next, "available", 1);
}

/* Saturdays and Sundays are open 00:00-24:00, so the DST days show their real length. */
static int slots_on(cs_facility *f, const char *date) {
    run(f, "{\"op\":\"availability\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"date\":\"%s\"}}",
        (long long)T0, date);
    uint32_t court = json_at(&out_doc, at("reply.courts"))->first;
    return (int)json_at(&out_doc, json_object_get(&out_doc, court, "slots"))->count;
}

static void test_daylight_saving_days(cs_facility *f) {
    configure(f);
    /* Configure happened "now" = T0 (December 2026), so use 2027's DST days. */
    CHECK_INT(slots_on(f, "2027-03-13"), 48);
    CHECK_INT(slots_on(f, "2027-03-14"), 46); /* spring forward: 23 hours */
    CHECK_INT(slots_on(f, "2027-11-07"), 50); /* fall back: 25 hours */
    /* On the spring-forward day, 03:00 EDT follows 01:30 EST directly. */
    slots_on(f, "2027-03-14");
    uint32_t slot = json_at(&out_doc, json_object_get(&out_doc, json_at(&out_doc, at("reply.courts"))->first, "slots"))->first;
    for (int i = 0; i < 3; i++) slot = json_at(&out_doc, slot)->next;
    CHECK_STR(json_text(&out_doc, json_object_get(&out_doc, slot, "startTime")), "2027-03-14T06:30:00Z"); /* 01:30 EST */
    slot = json_at(&out_doc, slot)->next;
    CHECK_STR(json_text(&out_doc, json_object_get(&out_doc, slot, "startTime")), "2027-03-14T07:00:00Z"); /* 03:00 EDT */
    /* Weekday opening at 06:00 local is 11:00Z in winter and 10:00Z in summer. */
    attempt(f, T0, "w1", "m1", "c1", "2027-03-15T10:00:00Z", "2027-03-15T11:00:00Z");
    CHECK_INT(number("status"), 200);
    attempt(f, T0, "w2", "m1", "c1", "2027-03-12T10:00:00Z", "2027-03-12T11:00:00Z");
    CHECK_INT(number("status"), 409);
    CHECK_STR(text("reply.rule"), "opening_hours");
    /* Durations are real time: 01:00 EDT to 01:00 EST on the fall-back day is one hour. */
    attempt(f, T0, "w3", "m1", "c1", "2027-11-07T05:00:00Z", "2027-11-07T06:00:00Z");
    CHECK_INT(number("status"), 200);
}

/* A zone whose clocks go back twelve hours makes a 36-hour day: more
 * slots than availability keeps the times' text of for the later courts
 * (DAY_SLOTS_MAX, 150 on the 10-minute grid). Every court's slots are the
 * same, past the kept ones too. */
static void test_day_longer_than_kept_slots(cs_facility *f) {
    configure_with(f,
        "\"timeZone\":\"Etc/Test\",\"tzRule\":\"AAA0BBB-12,M3.2.0,M11.1.0\","
        "\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\"},{\"courtId\":\"c2\",\"name\":\"Court 2\"}],"
        "\"openingHours\":{\"sun\":[\"00:00-24:00\"]},\"gridMinutes\":10,\"durationsMinutes\":[60]");
    run(f, "{\"op\":\"availability\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"date\":\"2027-11-07\"}}",
        (long long)T0);
    CHECK_INT(number("status"), 200);
    uint32_t first = json_at(&out_doc, at("reply.courts"))->first;
    uint32_t second = json_at(&out_doc, first)->next;
    const json_node *a = json_at(&out_doc, json_object_get(&out_doc, first, "slots"));
    const json_node *b = json_at(&out_doc, json_object_get(&out_doc, second, "slots"));
    CHECK_INT(a->count, 36 * 6);
    CHECK_INT(b->count, 36 * 6);
    CHECK(a->count > 150);
    CHECK_INT(b->length, a->length);
    CHECK(memcmp(output + a->offset, output + b->offset, a->length) == 0);
    /* The first slot starts at local midnight in daylight time (12:00Z the
     * day before), the last ends at local midnight in standard time. */
    uint32_t slot = b->first, last = slot;
    CHECK_STR(json_text(&out_doc, json_object_get(&out_doc, slot, "startTime")), "2027-11-06T12:00:00Z");
    for (; slot != 0; slot = json_at(&out_doc, slot)->next) last = slot;
    CHECK_STR(json_text(&out_doc, json_object_get(&out_doc, last, "startTime")), "2027-11-07T23:50:00Z");
    CHECK_STR(json_text(&out_doc, json_object_get(&out_doc, last, "endTime")), "2027-11-08T00:00:00Z");
}

static void test_idempotency(cs_facility *f) {
    configure(f);
    const char *format =
        "{\"op\":\"attempt\",\"now\":%lld,\"newId\":\"%s\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"c1\","
        "\"startTime\":\"%s\",\"endTime\":\"2026-12-03T00:00:00Z\",\"memberId\":\"m1\",\"idempotencyKey\":\"k-1\"}}";
    run(f, format, (long long)T0, "first", "2026-12-02T23:00:00Z");
    CHECK_INT(number("status"), 200);
    int64_t seq = number("seq");
    char first[256];
    snprintf(first, sizeof first, "%.*s", (int)json_at(&out_doc, at("reply"))->length,
             (const char *)output + json_at(&out_doc, at("reply"))->offset);
    run(f, format, (long long)T0 + 100, "second", "2026-12-02T23:00:00Z");
    CHECK_INT(number("status"), 200);
    CHECK_STR(text("reply.reservationId"), "first");
    CHECK_INT(number("seq"), seq);
    CHECK(!changed());
    char again[256];
    snprintf(again, sizeof again, "%.*s", (int)json_at(&out_doc, at("reply"))->length,
             (const char *)output + json_at(&out_doc, at("reply"))->offset);
    CHECK_STR(again, first);
    run(f, format, (long long)T0 + 200, "third", "2026-12-02T22:30:00Z");
    CHECK_INT(number("status"), 409);
    CHECK_STR(text("reply.error"), "idempotency_key_reused");
    /* Still answered after the hold expired (keys live 24 h)... */
    run(f, format, (long long)T0 + 60000, "fourth", "2026-12-02T23:00:00Z");
    CHECK_STR(text("reply.reservationId"), "first");
    /* ...and forgotten after 24 h. */
    run(f, format, (long long)(T0 + 86400000), "fifth", "2026-12-02T23:00:00Z");
    CHECK_STR(text("reply.reservationId"), "fifth");
}

/* Each bad command gets its code and leaves seq and the output of a read unchanged. */
static void test_bad_input_changes_nothing(cs_facility *f) {
    configure(f);
    attempt(f, T0, "ok", "m1", "c1", "2026-12-02T23:00:00Z", "2026-12-03T00:00:00Z");
    static const struct {
        const char *command;
        int status;
        const char *error;
    } cases[] = {
        {"{\"op\":\"attempt\"", 400, "invalid_json"},
        {"[1,2]", 400, "invalid_field"},
        {"{\"op\":\"attempt\",\"op\":\"attempt\",\"now\":1,\"args\":{}}", 400, "invalid_json"},
        {"{\"op\":\"fly\",\"now\":1796083200000,\"args\":{}}", 400, "invalid_field"},
        {"{\"op\":\"get\",\"now\":-1,\"args\":{}}", 400, "invalid_field"},
        {"{\"op\":\"get\",\"now\":1.5,\"args\":{}}", 400, "invalid_field"},
        {"{\"op\":\"get\",\"now\":1796083200000,\"args\":{},\"extra\":1}", 400, "invalid_field"},
        {"{\"op\":\"get\",\"now\":1796083200000,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"ok\"},\"params\":{}}", 400, "invalid_field"},
        {"{\"op\":\"attempt\",\"now\":1796083200000,\"newId\":\"n\",\"args\":{\"facilityId\":\"club\",\"courtId\":5,"
         "\"startTime\":\"2026-12-02T23:00:00Z\",\"endTime\":\"2026-12-03T00:00:00Z\",\"memberId\":\"m\"}}", 400, "invalid_field"},
        {"{\"op\":\"attempt\",\"now\":1796083200000,\"newId\":\"n\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"c1\","
         "\"startTime\":\"2026-12-02T23:00:00Z\",\"endTime\":\"2026-12-02T22:00:00Z\",\"memberId\":\"m\"}}", 400, "invalid_field"},
        {"{\"op\":\"attempt\",\"now\":1796083200000,\"newId\":\"n\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"c1\","
         "\"startTime\":\"2026-12-02T23:15:00Z\",\"endTime\":\"2026-12-03T00:15:00Z\",\"memberId\":\"m\"}}", 409, "rule_violation"},
        {"{\"op\":\"attempt\",\"now\":1796083200000,\"newId\":\"n\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"c1\","
         "\"startTime\":\"2026-12-02T23:00:00Z\",\"endTime\":\"2026-12-03T00:00:00Z\",\"memberId\":\"m\",\"x\":1}}", 400, "invalid_field"},
        {"{\"op\":\"attempt\",\"now\":1796083200000,\"newId\":\"n\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"c9\","
         "\"startTime\":\"2026-12-02T23:00:00Z\",\"endTime\":\"2026-12-03T00:00:00Z\",\"memberId\":\"m\"}}", 404, "not_found"},
        {"{\"op\":\"attempt\",\"now\":1796083200000,\"newId\":\"n\",\"args\":{\"facilityId\":\"other\",\"courtId\":\"c1\","
         "\"startTime\":\"2026-12-02T23:00:00Z\",\"endTime\":\"2026-12-03T00:00:00Z\",\"memberId\":\"m\"}}", 404, "not_found"},
        {"{\"op\":\"attempt\",\"now\":1796083200000,\"newId\":\"ok\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"c1\","
         "\"startTime\":\"2026-12-02T21:00:00Z\",\"endTime\":\"2026-12-02T22:00:00Z\",\"memberId\":\"m\"}}", 400, "invalid_field"},
        {"{\"op\":\"attempt\",\"now\":1796083200000,\"newId\":\"n\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"c1\","
         "\"startTime\":\"2026-11-30T23:00:00Z\",\"endTime\":\"2026-12-01T00:00:00Z\",\"memberId\":\"m\"}}", 409, "rule_violation"},
        {"{\"op\":\"attempt\",\"now\":1796083200000,\"newId\":\"n\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"c1\","
         "\"startTime\":\"2026-12-02T23:00:00Z\",\"endTime\":\"2026-12-03T00:20:00Z\",\"memberId\":\"m\"}}", 409, "rule_violation"},
        {"{\"op\":\"attempt\",\"now\":1796083200000,\"newId\":\"n\",\"args\":{\"facilityId\":\"club\",\"courtId\":\"c1\","
         "\"startTime\":\"2026-12-02T23:00:00Z\",\"endTime\":\"2026-12-03T00:00:00Z\",\"memberId\":\"bad id\"}}", 400, "invalid_field"},
        {"{\"op\":\"confirm\",\"now\":1796083200000,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"nope\"}}", 404, "not_found"},
        {"{\"op\":\"configure\",\"now\":1796083200000,\"actor\":{\"memberId\":\"m1\",\"role\":\"member\"},\"args\":{}}", 403, "forbidden"},
        {"{\"op\":\"configure\",\"now\":1796083200000,\"args\":{\"facilityId\":\"club\",\"name\":\"Club\",\"timeZone\":\"Mars/Base\","
         "\"courts\":[{\"courtId\":\"c1\",\"name\":\"C\"}],\"openingHours\":{},\"gridMinutes\":30,\"durationsMinutes\":[60]}}", 400, "invalid_field"},
        {"{\"op\":\"configure\",\"now\":1796083200000,\"args\":{\"facilityId\":\"club\",\"name\":\"Club\",\"timeZone\":\"UTC\","
         "\"courts\":[{\"courtId\":\"lane\",\"name\":\"C\"}],\"openingHours\":{},\"gridMinutes\":30,\"durationsMinutes\":[60]}}", 409, "invalid_state"},
    };
    run(f, "{\"op\":\"availability\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"date\":\"2026-12-02\"}}",
        (long long)T0);
    char before[16384];
    snprintf(before, sizeof before, "%.*s", (int)output_len, output);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        output_len = cs_execute(f, (const uint8_t *)cases[i].command, strlen(cases[i].command), output, sizeof output);
        CHECK(json_parse(&out_doc, output, output_len) == JSON_OK);
        if (number("status") != cases[i].status || strcmp(text("reply.error"), cases[i].error) != 0) {
            fprintf(stderr, "case %zu: %.*s\n", i, (int)output_len, output);
        }
        CHECK_INT(number("status"), cases[i].status);
        CHECK_STR(text("reply.error"), cases[i].error);
        CHECK(!changed());
        run(f, "{\"op\":\"availability\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"date\":\"2026-12-02\"}}",
            (long long)T0);
        char after[16384];
        snprintf(after, sizeof after, "%.*s", (int)output_len, output);
        CHECK_STR(after, before);
    }
    /* A command over the size limit. */
    static uint8_t huge[CS_INPUT_MAX + 1];
    memset(huge, ' ', sizeof huge);
    output_len = cs_execute(f, huge, sizeof huge, output, sizeof output);
    CHECK(json_parse(&out_doc, output, output_len) == JSON_OK);
    CHECK_INT(number("status"), 413);
}

static void test_replay_rebuilds_state(cs_facility *f, cs_facility *g) {
    configure(f);
    char id[16];
    for (int i = 0; i < 40; i++) {
        int64_t now = T0 + i * 4000;
        snprintf(id, sizeof id, "r%d", i);
        const char *starts[4] = {"2026-12-02T23:00:00Z", "2026-12-03T00:00:00Z", "2026-12-03T01:00:00Z",
                                 "2026-12-02T22:00:00Z"};
        const char *ends[4] = {"2026-12-03T00:00:00Z", "2026-12-03T01:00:00Z", "2026-12-03T02:00:00Z",
                               "2026-12-02T23:00:00Z"};
        attempt(f, now, id, i % 3 == 0 ? "m1" : "m2", i % 2 == 0 ? "c1" : "lane", starts[i % 4], ends[i % 4]);
        if (i % 3 == 1) act(f, "confirm", now + 1000, id, NULL);
        if (i % 5 == 4) act(f, "cancel", now + 2000, id, NULL);
        if (i % 7 == 6) act(f, "release", now + 500, id, NULL);
    }
    run(f, "{\"op\":\"tick\",\"now\":%lld,\"args\":{}}", (long long)(T0 + 4 * 3600000));
    cs_facility_init(g);
    static uint8_t scratch[CS_OUTPUT_MAX];
    for (int i = 0; i < changed_count; i++) {
        cs_execute(g, (const uint8_t *)changed_log[i], strlen(changed_log[i]), scratch, sizeof scratch);
    }
    CHECK(changed_count > 5);
    CHECK(cs_state_hash(f) == cs_state_hash(g));
}

/* The slot_released broadcasts in an output. */
static int count_broadcasts(const uint8_t *out, size_t len) {
    int count = 0;
    const char *needle = "{\"type\":\"slot_released\"";
    for (const char *p = (const char *)out; (p = strstr(p, needle)) != NULL && p < (const char *)out + len; p++) count++;
    return count;
}

/* More holds lapse at once than one command records (CS_EVENTS_MAX): the
 * tick does what it can, says the rest is due now, and a confirm of a
 * lapsed hold not yet recorded is refused all the same. */
static void test_mass_expiry_is_bounded(cs_facility *f) {
    configure_with(f,
        "\"timeZone\":\"UTC\","
        "\"courts\":[{\"courtId\":\"hall\",\"name\":\"Hall\",\"capacity\":1000}],\"openingHours\":{\"wed\":[\"06:00-22:00\"]},"
        "\"gridMinutes\":30,\"durationsMinutes\":[60]");
    char id[16], member[16];
    for (int i = 0; i < 1000; i++) {
        snprintf(id, sizeof id, "h%d", i);
        snprintf(member, sizeof member, "m%d", i);
        attempt(f, T0, id, member, "hall", "2026-12-02T18:00:00Z", "2026-12-02T19:00:00Z");
    }
    CHECK_INT(number("status"), 200);
    /* The tick's output is too big for the test's JSON reader: count in the text. */
    const char *tick = "{\"op\":\"tick\",\"now\":1796083215000,\"args\":{}}";
    output_len = cs_execute(f, (const uint8_t *)tick, strlen(tick), output, sizeof output);
    int first = count_broadcasts(output, output_len);
    CHECK(first > 0 && first < 1000);
    CHECK(strstr((const char *)output, "\"deadline\":1796083215000,") != NULL); /* the rest is due now */
    const char *confirm = "{\"op\":\"confirm\",\"now\":1796083215000,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"h999\"}}";
    output_len = cs_execute(f, (const uint8_t *)confirm, strlen(confirm), output, sizeof output);
    CHECK(strstr((const char *)output, "\"error\":\"hold_expired\"") != NULL);
    int second = count_broadcasts(output, output_len);
    output_len = cs_execute(f, (const uint8_t *)tick, strlen(tick), output, sizeof output);
    CHECK_INT(first + second + count_broadcasts(output, output_len), 1000);
    act(f, "get", T0 + 15001, "h999", NULL);
    CHECK_STR(text("reply.reservation.status"), "expired");
}

static int count_text(const uint8_t *text, size_t len, const char *needle) {
    int count = 0;
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++) count += memcmp(text + i, needle, n) == 0;
    return count;
}

/* More members miss their bookings at once than one command records member
 * changes for (CS_MEMBER_CHANGES_MAX): the tick marks what it can, each with
 * its member's record, and leaves the rest due now; every one is a no-show
 * after a few ticks and nothing aborts. */
static void test_mass_no_show_is_bounded(cs_facility *f) {
    enum { BOOKINGS = 600 };
    configure_with(f,
        "\"timeZone\":\"UTC\","
        "\"courts\":[{\"courtId\":\"hall\",\"name\":\"Hall\",\"capacity\":1000}],\"openingHours\":{\"wed\":[\"06:00-22:00\"]},"
        "\"gridMinutes\":30,\"durationsMinutes\":[60],\"reminders\":{\"offsetsMinutes\":[],\"noShowGraceMinutes\":15}");
    for (int i = 0; i < BOOKINGS; i++) {
        run(f,
            "{\"op\":\"book\",\"now\":%lld,\"newId\":\"b%d\",\"actor\":{\"memberId\":\"desk\",\"role\":\"staff\"},"
            "\"args\":{\"facilityId\":\"club\",\"courtId\":\"hall\",\"startTime\":\"2026-12-02T18:00:00Z\","
            "\"endTime\":\"2026-12-02T19:00:00Z\",\"memberId\":\"m%d\"}}",
            (long long)T0, i, i);
        CHECK_INT(number("status"), 201);
    }
    /* Wed 18:16Z: every booking is past its grace. */
    const char *tick = "{\"op\":\"tick\",\"now\":1796235360000,\"args\":{}}";
    int no_shows = 0, members = 0, ticks = 0;
    while (ticks < 10) {
        output_len = cs_execute(f, (const uint8_t *)tick, strlen(tick), output, sizeof output);
        int marked = count_text(output, output_len, "\"action\":\"no_show\"");
        if (ticks == 0) CHECK(marked > 0 && marked < BOOKINGS);
        no_shows += marked;
        members += count_text(output, output_len, "\"noShows\":1}");
        ticks++;
        if (marked == 0) break;
    }
    CHECK_INT(no_shows, BOOKINGS);
    CHECK_INT(members, BOOKINGS);
    act(f, "get", 1796235360000, "b599", NULL);
    CHECK_STR(text("reply.reservation.status"), "no_show");
}

/* A day read again copies the courts nothing changed on (day_text.c): after
 * every kind of change, the day read on a facility that has read it before
 * is byte for byte the day read on one that replayed the same commands and
 * never read a day. */
static char day_text_commands[512][1024];
static int day_text_count;

/* Keeps `command` for the replay. */
static void day_text_remember(const char *command) {
    if (day_text_count == 512 || strlen(command) >= sizeof day_text_commands[0]) abort();
    snprintf(day_text_commands[day_text_count++], sizeof day_text_commands[0], "%s", command);
}

#ifdef NDEBUG
/* The first `text` in `bytes`, or NULL. */
static uint8_t *find_bytes(uint8_t *bytes, size_t len, const char *text) {
    size_t n = strlen(text);
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(bytes + i, text, n) == 0) return bytes + i;
    }
    return NULL;
}
#endif

static void day_text_step(cs_facility *f, cs_facility *g, const char *command) {
    day_text_remember(command);
    run(f, "%s", command);
    CHECK(number("status") < 300); /* each step changes something */
    if (number("status") >= 300) fprintf(stderr, "  %s\n", (const char *)output);
    const char *read = "{\"op\":\"availability\",\"now\":1796083200000,\"args\":{\"facilityId\":\"club\",\"date\":\"2026-12-02\"}}";
    run(f, "%s", read);
    static uint8_t seen[CS_OUTPUT_MAX];
    size_t seen_len = output_len;
    memcpy(seen, output, output_len);
    cs_facility_init(g);
    for (int i = 0; i < day_text_count; i++) run(g, "%s", day_text_commands[i]);
    run(g, "%s", read);
    CHECK_INT(number("status"), 200);
    CHECK(seen_len == output_len && memcmp(seen, output, output_len) == 0);
    if (seen_len != output_len || memcmp(seen, output, output_len) != 0) fprintf(stderr, "  after %s\n", command);
}

static void test_day_text_follows_changes(cs_facility *f, cs_facility *g) {
    cs_facility_init(f);
    day_text_count = 0;
    char command[1024];
    snprintf(command, sizeof command, "{\"op\":\"configure\",\"now\":%lld,\"args\":%s}", (long long)T0, config);
    day_text_step(f, g, command);
    day_text_step(f, g, "{\"op\":\"attempt\",\"now\":1796083200001,\"newId\":\"h1\",\"args\":{\"facilityId\":\"club\","
                        "\"courtId\":\"c1\",\"startTime\":\"2026-12-02T23:00:00Z\",\"endTime\":\"2026-12-03T00:00:00Z\","
                        "\"memberId\":\"m1\"}}");
    /* The same times, confirmed: the span differs only in being confirmed. */
    day_text_step(f, g, "{\"op\":\"confirm\",\"now\":1796083200002,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"h1\"}}");
    day_text_step(f, g, "{\"op\":\"attempt\",\"now\":1796083200003,\"newId\":\"h2\",\"args\":{\"facilityId\":\"club\","
                        "\"courtId\":\"lane\",\"startTime\":\"2026-12-02T23:00:00Z\",\"endTime\":\"2026-12-03T00:00:00Z\","
                        "\"memberId\":\"m2\",\"partySize\":2}}");
    /* Moves: h2 within its court's day, h1 to the other court. */
    day_text_step(f, g, "{\"op\":\"reschedule\",\"now\":1796083200003,\"args\":{\"facilityId\":\"club\","
                        "\"reservationId\":\"h2\",\"startTime\":\"2026-12-02T20:00:00Z\",\"endTime\":\"2026-12-02T21:00:00Z\","
                        "\"expectedVersion\":1}}");
    /* Its end only: the same court and start, a longer span. */
    day_text_step(f, g, "{\"op\":\"reschedule\",\"now\":1796083200003,\"args\":{\"facilityId\":\"club\","
                        "\"reservationId\":\"h2\",\"endTime\":\"2026-12-02T21:30:00Z\",\"expectedVersion\":2}}");
    day_text_step(f, g, "{\"op\":\"reschedule\",\"now\":1796083200003,\"args\":{\"facilityId\":\"club\","
                        "\"reservationId\":\"h1\",\"courtId\":\"lane\",\"expectedVersion\":2}}");
    /* A block closes part of c1's day, and goes. */
    day_text_step(f, g, "{\"op\":\"block\",\"now\":1796083200004,\"newId\":\"b1\",\"actor\":{\"memberId\":\"desk\",\"role\":\"staff\"},"
                        "\"args\":{\"facilityId\":\"club\",\"courtId\":\"c1\",\"startTime\":\"2026-12-02T13:00:00Z\","
                        "\"endTime\":\"2026-12-02T15:00:00Z\",\"reason\":\"resurfacing\"}}");
    day_text_step(f, g, "{\"op\":\"unblock\",\"now\":1796083200005,\"actor\":{\"memberId\":\"desk\",\"role\":\"staff\"},"
                        "\"args\":{\"facilityId\":\"club\",\"blockId\":\"b1\"}}");
    /* The configuration: capacities, the grid and a buffer change what each court-day's text depends on. */
    const char *variants[] = {
        "\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\",\"capacity\":3},{\"courtId\":\"lane\",\"name\":\"Lane\",\"capacity\":2}],"
        "\"openingHours\":{\"wed\":[\"06:00-22:00\"]},\"gridMinutes\":30,\"durationsMinutes\":[60]",
        "\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\",\"capacity\":3},{\"courtId\":\"lane\",\"name\":\"Lane\",\"capacity\":2}],"
        "\"openingHours\":{\"wed\":[\"06:00-22:00\"]},\"gridMinutes\":60,\"durationsMinutes\":[60]",
        "\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\",\"capacity\":3},{\"courtId\":\"lane\",\"name\":\"Lane\",\"capacity\":2}],"
        "\"openingHours\":{\"wed\":[\"06:00-22:00\"]},\"gridMinutes\":60,\"durationsMinutes\":[60],\"bufferMinutes\":60",
        "\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\",\"capacity\":3},{\"courtId\":\"lane\",\"name\":\"Lane\",\"capacity\":2}],"
        "\"openingHours\":{\"wed\":[\"07:00-23:00\"]},\"gridMinutes\":60,\"durationsMinutes\":[60],\"bufferMinutes\":60",
        "\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\",\"capacity\":3},{\"courtId\":\"lane\",\"name\":\"Lane\",\"capacity\":2}],"
        "\"openingHours\":{\"wed\":[\"07:00-12:00\",\"13:00-22:00\"]},\"gridMinutes\":60,\"durationsMinutes\":[60],\"bufferMinutes\":60",
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        snprintf(command, sizeof command,
                 "{\"op\":\"configure\",\"now\":1796083200006,\"args\":{\"facilityId\":\"club\",\"name\":\"Club\","
                 "\"timeZone\":\"America/New_York\",%s}}",
                 variants[i]);
        day_text_step(f, g, command);
    }
    day_text_step(f, g, "{\"op\":\"cancel\",\"now\":1796083200007,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"h1\"}}");
    snprintf(command, sizeof command, "{\"op\":\"configure\",\"now\":1796083200007,\"args\":%s}", config);
    day_text_step(f, g, command);

    /* Changes on one court enough to take the ring round: the other court's
     * kept text is written over, and is written again, not read from what
     * took its place. */
    for (int i = 0; i < 400; i++) {
        if (i % 2 == 0) {
            snprintf(command, sizeof command,
                     "{\"op\":\"attempt\",\"now\":1796083200008,\"newId\":\"l%d\",\"args\":{\"facilityId\":\"club\","
                     "\"courtId\":\"lane\",\"startTime\":\"2026-12-02T12:00:00Z\",\"endTime\":\"2026-12-02T13:00:00Z\","
                     "\"memberId\":\"m3\"}}",
                     i);
        } else {
            snprintf(command, sizeof command,
                     "{\"op\":\"release\",\"now\":1796083200008,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"l%d\"}}",
                     i - 1);
        }
        day_text_remember(command);
        run(f, "%s", command);
        CHECK_INT(number("status"), 200);
        run(f, "{\"op\":\"availability\",\"now\":1796083200000,\"args\":{\"facilityId\":\"club\",\"date\":\"2026-12-02\"}}");
    }
    CHECK(f->day_text_end > CS_DAY_TEXT_BYTES);
    day_text_step(f, g, "{\"op\":\"facility\",\"now\":1796083200008,\"args\":{\"facilityId\":\"club\"}}");
#ifdef NDEBUG
    /* And the copy is what is read: kept texts changed by hand show. (Debug
     * builds write every court-day and trap on the difference instead.) */
    run(f, "{\"op\":\"availability\",\"now\":1796083200000,\"args\":{\"facilityId\":\"club\",\"date\":\"2026-12-02\"}}");
    int poisoned = 0;
    uint8_t *ring = (uint8_t *)f->day_text_bytes;
    for (uint8_t *kept = ring; (kept = find_bytes(kept, (size_t)(ring + CS_DAY_TEXT_BYTES - kept), "\"status\":\"available\"")) != NULL;
         poisoned++)
        memcpy(kept + 10, "AVAILABLE", 9);
    CHECK(poisoned > 0);
    run(f, "{\"op\":\"availability\",\"now\":1796083200000,\"args\":{\"facilityId\":\"club\",\"date\":\"2026-12-02\"}}");
    CHECK(find_bytes(output, output_len, "AVAILABLE") != NULL);
#endif
}

int main(void) {
    cs_facility *f = calloc(1, sizeof *f);
    cs_facility *g = calloc(1, sizeof *g);
    if (f == NULL || g == NULL) return 1;
    test_hold_confirm_and_overlap(f);
    test_expiry_is_exact(f);
    test_capacity_and_party_size(f);
    test_busy_court_day(f);
    test_slots_touched_by_spans(f);
    test_day_opening_before_its_midnight(f);
    test_daylight_saving_days(f);
    test_day_longer_than_kept_slots(f);
    test_idempotency(f);
    test_bad_input_changes_nothing(f);
    test_replay_rebuilds_state(f, g);
    test_day_text_follows_changes(f, g);
    test_mass_expiry_is_bounded(f);
    test_mass_no_show_is_bounded(f);
    free(f);
    free(g);
    return check_report("test_booking");
}
