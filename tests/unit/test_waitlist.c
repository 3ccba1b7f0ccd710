/* test_waitlist.c: the waitlist matcher through the core's entry point:
 * who is served first (tier priority, then closeness to the preferred
 * start, then first come), placements inside a freed interval, capacity
 * above one, offers that cascade on decline and on expiry without offering
 * the same slot twice, and the club's rules applied to the member served. */
#include "check.h"
#include "driver.h"

#define STAFF "{\"memberId\":\"desk\",\"role\":\"staff\"}"

static void setup(cs_facility *f, const char *rules) {
    cs_facility_init(f);
    run(f,
        "{\"op\":\"configure\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"name\":\"Club\",\"timeZone\":\"UTC\","
        "\"courts\":[{\"courtId\":\"c1\",\"name\":\"Court 1\"},{\"courtId\":\"lane\",\"name\":\"Lane\",\"capacity\":2}],"
        "\"openingHours\":{\"wed\":[\"06:00-22:00\"]},\"gridMinutes\":30,\"durationsMinutes\":[60,120],"
        "\"tiers\":[{\"tier\":\"gold\",\"priority\":5}],\"rules\":%s}}",
        (long long)T0, rules);
    CHECK_INT(number("status"), 200);
}

/* Staff book `court` on Wednesday 2026-12-02 from `start` ("18:00") for `hours`. */
static void book(cs_facility *f, const char *id, const char *court, const char *start, int hours, const char *member) {
    run(f,
        "{\"op\":\"book\",\"now\":%lld,\"newId\":\"%s\",\"actor\":" STAFF ",\"args\":{\"facilityId\":\"club\","
        "\"courtId\":\"%s\",\"startTime\":\"2026-12-02T%s:00Z\",\"endTime\":\"2026-12-02T%02d:%s:00Z\",\"memberId\":\"%s\"}}",
        (long long)T0, id, court, start, atoi(start) + hours, start + 3, member);
    CHECK_INT(number("status"), 201);
}

static void join(cs_facility *f, const char *id, const char *member, const char *court, const char *from, const char *to,
                 int minutes, const char *mode, const char *preferred) {
    char extra[128] = "";
    if (preferred != NULL) snprintf(extra, sizeof extra, ",\"preferredStart\":\"2026-12-02T%s:00Z\"", preferred);
    run(f,
        "{\"op\":\"waitlist_join\",\"now\":%lld,\"newId\":\"%s\",\"args\":{\"facilityId\":\"club\",\"memberId\":\"%s\","
        "\"courtId\":\"%s\",\"earliestStart\":\"2026-12-02T%s:00Z\",\"latestEnd\":\"2026-12-02T%s:00Z\","
        "\"durationMinutes\":%d,\"mode\":\"%s\"%s}}",
        (long long)T0, id, member, court, from, to, minutes, mode, extra);
    CHECK_INT(number("status"), 201);
}

static void cancel(cs_facility *f, int64_t now, const char *id) {
    run(f, "{\"op\":\"cancel\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"%s\"}}", (long long)now, id);
    CHECK_INT(number("status"), 200);
}

static const char *entry_state(cs_facility *f, int64_t now, const char *id) {
    run(f, "{\"op\":\"waitlist_list\",\"now\":%lld,\"args\":{\"facilityId\":\"club\"}}", (long long)now);
    for (uint32_t e = json_at(&out_doc, at("reply.entries"))->first; e != 0; e = json_at(&out_doc, e)->next) {
        if (strcmp(json_text(&out_doc, json_object_get(&out_doc, e, "waitlistId")), id) == 0) {
            return json_text(&out_doc, json_object_get(&out_doc, e, "state"));
        }
    }
    return "(none)";
}

static void test_order(cs_facility *f) {
    setup(f, "{}");
    run(f, "{\"op\":\"set_member\",\"now\":%lld,\"actor\":" STAFF ",\"args\":{\"facilityId\":\"club\",\"memberId\":\"g\",\"tier\":\"gold\"}}",
        (long long)T0);
    book(f, "before", "c1", "17:00", 1, "x");
    book(f, "a", "c1", "18:00", 1, "x");
    book(f, "after", "c1", "19:00", 1, "x");
    join(f, "w-first", "m1", "c1", "18:00", "19:00", 60, "auto_book", NULL);
    join(f, "w-near", "m2", "c1", "17:00", "20:00", 60, "auto_book", "18:00");
    join(f, "w-gold", "g", "c1", "18:00", "19:00", 60, "auto_book", NULL);
    /* Gold first, whatever the order of joining. */
    cancel(f, T0 + 1, "a");
    CHECK_STR(text("reply.waitlistPromotion.waitlistId"), "w-gold");
    /* Then, with equal priority, the closer placement: w-near prefers 18:00 exactly, as does w-first; first come wins. */
    cancel(f, T0 + 2, "w-gold-1");
    CHECK_STR(text("reply.waitlistPromotion.waitlistId"), "w-first");
    /* Then w-near, at its preferred start. */
    cancel(f, T0 + 3, "w-first-1");
    CHECK_STR(text("reply.waitlistPromotion.waitlistId"), "w-near");
    run(f, "{\"op\":\"get\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"w-near-1\"}}", (long long)T0 + 4);
    CHECK_STR(text("reply.reservation.startTime"), "2026-12-02T18:00:00Z");
}

static void test_partial_fit_and_capacity(cs_facility *f) {
    setup(f, "{}");
    book(f, "long", "c1", "18:00", 2, "x");
    join(f, "w1", "m1", "c1", "18:00", "20:00", 60, "auto_book", "19:00");
    join(f, "w2", "m2", "c1", "18:00", "20:00", 60, "auto_book", NULL);
    cancel(f, T0 + 1, "long");
    CHECK_STR(entry_state(f, T0 + 2, "w1"), "booked");
    CHECK_STR(entry_state(f, T0 + 2, "w2"), "booked");
    run(f, "{\"op\":\"get\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"w1-1\"}}", (long long)T0 + 3);
    CHECK_STR(text("reply.reservation.startTime"), "2026-12-02T19:00:00Z");
    run(f, "{\"op\":\"get\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"w2-1\"}}", (long long)T0 + 3);
    CHECK_STR(text("reply.reservation.startTime"), "2026-12-02T18:00:00Z");
    /* The lane takes two at once: one cancelled booking of two places serves two waiters. */
    run(f,
        "{\"op\":\"book\",\"now\":%lld,\"newId\":\"pair\",\"actor\":" STAFF ",\"args\":{\"facilityId\":\"club\",\"courtId\":\"lane\","
        "\"startTime\":\"2026-12-02T10:00:00Z\",\"endTime\":\"2026-12-02T11:00:00Z\",\"memberId\":\"x\",\"partySize\":2}}",
        (long long)T0 + 4);
    join(f, "l1", "m3", "lane", "10:00", "11:00", 60, "auto_book", NULL);
    join(f, "l2", "m4", "lane", "10:00", "11:00", 60, "auto_book", NULL);
    join(f, "l3", "m5", "lane", "10:00", "11:00", 60, "auto_book", NULL);
    cancel(f, T0 + 5, "pair");
    CHECK_STR(entry_state(f, T0 + 6, "l1"), "booked");
    CHECK_STR(entry_state(f, T0 + 6, "l2"), "booked");
    CHECK_STR(entry_state(f, T0 + 6, "l3"), "waiting");
}

static void test_offer_cascade(cs_facility *f) {
    setup(f, "{}");
    book(f, "a", "c1", "18:00", 1, "x");
    join(f, "o1", "m1", "c1", "18:00", "19:00", 60, "offer", NULL);
    join(f, "o2", "m2", "c1", "18:00", "19:00", 60, "offer", NULL);
    join(f, "o3", "m3", "c1", "18:00", "19:00", 60, "offer", NULL);
    cancel(f, T0 + 1000, "a");
    CHECK_STR(text("reply.waitlistPromotion.action"), "offered");
    CHECK_STR(text("reply.waitlistPromotion.waitlistId"), "o1");
    /* Decline: o2 is offered; o1 waits again but is never offered this slot again. */
    run(f, "{\"op\":\"waitlist_decline\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"waitlistId\":\"o1\"}}", (long long)T0 + 2000);
    CHECK_STR(text("reply.entry.state"), "waiting");
    CHECK_STR(entry_state(f, T0 + 2001, "o2"), "offered");
    /* o2 lets it lapse (30 minutes): the tick passes it to o3. */
    run(f, "{\"op\":\"tick\",\"now\":%lld,\"args\":{}}", (long long)(T0 + 2000 + 30 * MINUTE));
    CHECK_STR(entry_state(f, T0 + 2000 + 30 * MINUTE, "o2"), "waiting");
    CHECK_STR(entry_state(f, T0 + 2000 + 30 * MINUTE, "o3"), "offered");
    /* o3 declines too: nobody is left who has not seen this slot. */
    run(f, "{\"op\":\"waitlist_decline\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"waitlistId\":\"o3\"}}",
        (long long)(T0 + 31 * MINUTE));
    CHECK_STR(entry_state(f, T0 + 31 * MINUTE, "o1"), "waiting");
    CHECK_STR(entry_state(f, T0 + 31 * MINUTE, "o2"), "waiting");
    CHECK_STR(entry_state(f, T0 + 31 * MINUTE, "o3"), "waiting");
    run(f, "{\"op\":\"waitlist_metrics\",\"now\":%lld,\"actor\":" STAFF ",\"args\":{\"facilityId\":\"club\"}}", (long long)(T0 + 32 * MINUTE));
    CHECK_INT(number("reply.metrics.offered"), 3);
    CHECK_INT(number("reply.metrics.declined"), 2);
    CHECK_INT(number("reply.metrics.offersExpired"), 1);
    /* Accepting an offer confirms it. */
    book(f, "b", "c1", "20:00", 1, "y");
    join(f, "o4", "m4", "c1", "20:00", "21:00", 60, "offer", NULL);
    cancel(f, T0 + 33 * MINUTE, "b");
    run(f, "{\"op\":\"waitlist_accept\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"waitlistId\":\"o4\"}}", (long long)(T0 + 34 * MINUTE));
    CHECK_STR(text("reply.entry.state"), "booked");
    run(f, "{\"op\":\"get\",\"now\":%lld,\"args\":{\"facilityId\":\"club\",\"reservationId\":\"o4-1\"}}", (long long)(T0 + 35 * MINUTE));
    CHECK_STR(text("reply.reservation.status"), "confirmed");
}

static void test_rules_apply(cs_facility *f) {
    /* One active reservation per member: m1 already has one, so m2 is served instead. */
    setup(f, "{\"maxActiveReservations\":1}");
    book(f, "a", "c1", "18:00", 1, "x");
    book(f, "m1-own", "lane", "08:00", 1, "m1");
    join(f, "r1", "m1", "c1", "18:00", "19:00", 60, "auto_book", NULL);
    join(f, "r2", "m2", "c1", "18:00", "19:00", 60, "auto_book", NULL);
    cancel(f, T0 + 1, "a");
    CHECK_STR(text("reply.waitlistPromotion.waitlistId"), "r2");
    CHECK_STR(entry_state(f, T0 + 2, "r1"), "waiting");
}

int main(void) {
    cs_facility *f = calloc(1, sizeof *f);
    if (f == NULL) return 1;
    test_order(f);
    test_partial_fit_and_capacity(f);
    test_offer_cascade(f);
    test_rules_apply(f);
    free(f);
    return check_report("test_waitlist");
}
