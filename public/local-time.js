// local-time.js: the facility's wall clock, with Intl: today's date there,
// dates a few days on, and instants shown as the facility's local times and
// days (whatever the browser's own zone is).

// YYYY-MM-DD in `timeZone` at `instant` (ms).
export function dateIn(timeZone, instant = Date.now()) {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  for (const { type, value } of format.formatToParts(new Date(instant))) parts[type] = value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

// `date` (YYYY-MM-DD) moved by `days`.
export function addDays(date, days) {
  const [year, month, day] = date.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

// "18:00" for an RFC 3339 instant, in `timeZone`.
export function timeOf(instant, timeZone) {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    new Date(instant),
  );
}

// "Tue 24 Nov" for an instant, in `timeZone`.
export function dayOf(instant, timeZone) {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short" }).format(
    new Date(instant),
  );
}

// "Tuesday 24 November 2026" for a YYYY-MM-DD date.
export function longDate(date) {
  const [year, month, day] = date.split("-").map(Number);
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(
    new Date(Date.UTC(year, month - 1, day)),
  );
}

// "Tue 24 Nov, 18:00–19:00" for a start and end.
export function spanOf(startTime, endTime, timeZone) {
  return `${dayOf(startTime, timeZone)}, ${timeOf(startTime, timeZone)}–${timeOf(endTime, timeZone)}`;
}

// The RFC 3339 instant `minutes` after `instant`.
export function plusMinutes(instant, minutes) {
  return new Date(Date.parse(instant) + minutes * 60_000).toISOString().replace(".000Z", "Z");
}
