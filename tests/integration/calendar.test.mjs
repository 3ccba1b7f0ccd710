// calendar.test.mjs: GET /api/reservations/{id}/calendar.ics through the real
// runtime, read by an independent iCalendar parser (ical.js): the event's
// DTSTART and DTEND resolve, through the VTIMEZONE built from the
// facility's zone rule, to the reservation's instants in winter and summer
// and in both hemispheres; the VTIMEZONE agrees with Intl's zone data hour
// by hour; a reschedule keeps the UID and raises SEQUENCE; a cancellation
// is STATUS:CANCELLED with a higher SEQUENCE and the same UID; the owner
// check and bad ids answer the API's errors.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import ICAL from "ical.js";
import { localDate, localInstant } from "../../scripts/local-time.mjs";
import { Stack, assertError } from "./harness.mjs";

let stack;
before(async () => {
  stack = await Stack.start();
});
after(() => stack?.stop());

const HOUR_MS = 3_600_000;

// A date in `month` (1-12) of next year: always ahead of today.
function nextYear(month, day = 15) {
  const year = Number(localDate("UTC").slice(0, 4)) + 1;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

// Parses an .ics text: {event, zone, calendar} with the VTIMEZONE
// registered under its TZID, as a calendar application would.
function parse(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vtimezone = calendar.getFirstSubcomponent("vtimezone");
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone, zone.tzid);
  return { calendar, zone, event: new ICAL.Event(calendar.getFirstSubcomponent("vevent")) };
}

async function fetchCalendar(client, reservationId) {
  const response = await fetch(`${stack.url}/api/reservations/${reservationId}/calendar.ics`, {
    headers: { Authorization: `Bearer ${client.token}` },
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("Content-Type"), /^text\/calendar; charset=utf-8$/);
  const text = await response.text();
  assert.ok(text.split("\r\n").every((line) => new TextEncoder().encode(line).length <= 75), "folded at 75 octets");
  assert.ok(text.endsWith("\r\n") && !/[^\r]\n/.test(text), "CRLF line ends");
  return text;
}

// Books `courtId` at `time` (HH:MM) local on `date` at `facilityId`.
async function book(client, facilityId, timeZone, date, time, courtId = "court-1") {
  const startTime = localInstant(date, time, timeZone);
  const endTime = new Date(Date.parse(startTime) + HOUR_MS).toISOString().replace(".000Z", "Z");
  const held = await client.post("/api/realtime/attempt", { facilityId, courtId, startTime, endTime, memberId: client.memberId });
  assert.equal(held.status, 200, JSON.stringify(held.body));
  const confirmed = await client.post("/api/realtime/confirm", { facilityId, reservationId: held.body.reservationId });
  assert.equal(confirmed.status, 200);
  return confirmed.body.reservation;
}

// The wall clock in `timeZone` at `instant`, per Intl: {year, month, day,
// hour, minute, second}.
function wallClock(timeZone, instant) {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
  });
  for (const { type, value } of format.formatToParts(new Date(instant))) parts[type] = Number(value);
  const { year, month, day, hour, minute, second } = parts;
  return { year, month, day, hour, minute, second };
}

for (const { facilityId, timeZone, tzRule, winter, summer } of [
  { facilityId: "cal-ny", timeZone: "America/New_York", tzRule: "EST5EDT,M3.2.0,M11.1.0", winter: [1, -300], summer: [7, -240] },
  { facilityId: "cal-syd", timeZone: "Australia/Sydney", tzRule: "AEST-10AEDT,M10.1.0,M4.1.0/3", winter: [7, 600], summer: [1, 660] },
]) {
  test(`${timeZone}: DTSTART and DTEND resolve to the booking's instants, the VTIMEZONE matches Intl`, async () => {
    await stack.configure(facilityId, { timeZone });
    const facility = (await stack.request(`/api/facilities/${facilityId}`)).body;
    assert.equal(facility.tzRule, tzRule, "the rule the VTIMEZONE is built from");
    const member = Object.assign(await stack.as("cal-member"), { memberId: "cal-member" });
    for (const [month, offsetMinutes] of [winter, summer]) {
      const reservation = await book(member, facilityId, timeZone, nextYear(month), "18:00");
      const { event, zone } = parse(await fetchCalendar(member, reservation.reservationId));
      assert.equal(event.startDate.zone.tzid, timeZone, "DTSTART is in the facility's zone");
      assert.equal(event.startDate.hour, 18, "wall-clock 18:00 there");
      assert.equal(event.startDate.toJSDate().getTime(), Date.parse(reservation.startTime));
      assert.equal(event.endDate.toJSDate().getTime(), Date.parse(reservation.endTime));
      assert.equal(event.startDate.utcOffset() / 60, offsetMinutes);
      assert.equal(event.summary, `Court 1 at Test ${facilityId}`);
      assert.equal(event.uid, `${reservation.reservationId}@courtside`);
      assert.equal(event.component.getFirstPropertyValue("sequence"), reservation.version);
      assert.equal(event.component.getFirstPropertyValue("status"), "CONFIRMED");

      // Hour by hour over the booking's year (both changes of offset
      // included), the parser reads Intl's wall-clock time in the zone back
      // to the same instant. A reading the fall-back shows twice may
      // resolve to its other instant, which shows the same reading.
      const year = Number(nextYear(month).slice(0, 4));
      let checked = 0;
      for (let instant = Date.UTC(year, 0, 1); instant < Date.UTC(year + 1, 0, 1); instant += HOUR_MS) {
        const wall = wallClock(timeZone, instant);
        const local = new ICAL.Time({ ...wall, isDate: false }, zone);
        const resolved = local.toUnixTime() * 1000;
        if (resolved !== instant) {
          assert.deepEqual(wallClock(timeZone, resolved), wall, `${new Date(instant).toISOString()} read back as ${new Date(resolved).toISOString()}`);
        }
        checked++;
      }
      assert.ok(checked >= 8760);
    }
  });
}

test("a reschedule keeps the UID and raises SEQUENCE; a cancellation is CANCELLED, same UID, higher SEQUENCE", async () => {
  const facilityId = "cal-life";
  const timeZone = "America/New_York";
  await stack.configure(facilityId);
  const member = Object.assign(await stack.as("cal-owner"), { memberId: "cal-owner" });
  const date = nextYear(2, 10);
  const reservation = await book(member, facilityId, timeZone, date, "09:00");
  const first = parse(await fetchCalendar(member, reservation.reservationId));

  const moved = await member.patch(`/api/reservations/${reservation.reservationId}`, {
    courtId: "court-2",
    startTime: localInstant(date, "10:00", timeZone),
    endTime: localInstant(date, "11:00", timeZone),
    expectedVersion: reservation.version,
  });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  const second = parse(await fetchCalendar(member, reservation.reservationId));
  assert.equal(second.event.uid, first.event.uid);
  assert.ok(second.event.component.getFirstPropertyValue("sequence") > first.event.component.getFirstPropertyValue("sequence"));
  assert.equal(second.event.startDate.hour, 10);
  assert.equal(second.event.startDate.toJSDate().getTime(), Date.parse(localInstant(date, "10:00", timeZone)));
  assert.match(second.event.summary, /^Court 2 /);

  assert.equal((await member.delete(`/api/reservations/${reservation.reservationId}`)).status, 200);
  const third = parse(await fetchCalendar(member, reservation.reservationId));
  assert.equal(third.event.uid, first.event.uid);
  assert.equal(third.event.component.getFirstPropertyValue("status"), "CANCELLED");
  assert.ok(third.event.component.getFirstPropertyValue("sequence") > second.event.component.getFirstPropertyValue("sequence"));
});

test("the calendar is the owner's: others, no session and unknown ids get the API's errors", async () => {
  const facilityId = "cal-owner-check";
  await stack.configure(facilityId);
  const owner = Object.assign(await stack.as("cal-alice"), { memberId: "cal-alice" });
  const reservation = await book(owner, facilityId, "America/New_York", nextYear(3, 3), "12:00");
  const path = `/api/reservations/${reservation.reservationId}/calendar.ics`;
  assertError(await (await stack.as("cal-mallory")).get(path), 403, "forbidden");
  assertError(await stack.request(path), 401, "unauthenticated");
  assertError(await owner.get(`/api/reservations/${facilityId}_nosuchreservation/calendar.ics`), 404, "not_found");
  assertError(await owner.get("/api/reservations/no-facility-prefix/calendar.ics"), 404, "not_found");
  assertError(await owner.get("/api/reservations/nowhere_abc/calendar.ics"), 404, "not_found");
  assertError(await owner.request(path, { method: "POST" }), 405, "method_not_allowed");
  const staff = await stack.as("cal-desk", { role: "staff", facilities: [facilityId] });
  const response = await fetch(`${stack.url}${path}`, { headers: { Authorization: `Bearer ${staff.token}` } });
  assert.equal(response.status, 200, "staff of the facility may fetch it");
});
