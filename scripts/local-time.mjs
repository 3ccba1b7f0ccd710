// local-time.mjs: facility-local dates and wall-clock times turned into the
// UTC instants the API speaks, with Intl. Used by the demo seed (its curl
// lines) and the integration tests; the core does its own time zone work.

// The calendar date (YYYY-MM-DD) in `timeZone`, `daysAhead` days after
// today there.
export function localDate(timeZone, daysAhead = 0) {
  const { year, month, day } = wallClock(Date.now(), timeZone);
  return new Date(Date.UTC(year, month - 1, day + daysAhead)).toISOString().slice(0, 10);
}

// The instant (RFC 3339, UTC) when the wall clock in `timeZone` shows
// `time` (HH:MM) on `date` (YYYY-MM-DD).
export function localInstant(date, time, timeZone) {
  const wall = Date.parse(`${date}T${time}:00Z`);
  let instant = wall;
  for (let i = 0; i < 2; i++) instant = wall - offsetAt(instant, timeZone); // converges in two steps
  return new Date(instant).toISOString().replace(".000Z", "Z");
}

// The zone's offset from UTC (ms) at `instant`.
function offsetAt(instant, timeZone) {
  const { year, month, day, hour, minute, second } = wallClock(instant, timeZone);
  return Date.UTC(year, month - 1, day, hour, minute, second) - instant;
}

function wallClock(instant, timeZone) {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  const parts = {};
  for (const { type, value } of format.formatToParts(new Date(instant))) parts[type] = Number(value);
  return parts;
}
