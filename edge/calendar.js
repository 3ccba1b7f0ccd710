// calendar.js: "Add to calendar". Owns GET /api/reservations/{id}/calendar.ics
// and its rendering: one VEVENT (RFC 5545) for a reservation, in the
// facility's time zone, with a VTIMEZONE built from the POSIX TZ rule the
// core keeps for the facility (`tzRule`). The UID is the reservation id and
// SEQUENCE its `version`, so a calendar that imported it earlier takes a
// reschedule as an update and a cancellation (STATUS:CANCELLED) as a
// cancellation of the same event. Presentation only: the reservation, its
// owner check and the zone rule all come from the facility's core.
import { facilityOf } from "../glue/ids.js";
import { actorFor, requireIdentity } from "./auth.js";
import { execute, respond } from "./booking.js";
import { HttpError } from "./http.js";

const DAY_MS = 86_400_000;
const CANCELLED = new Set(["cancelled", "released", "expired"]);

// GET /api/reservations/{id}/calendar.ics: the owner, or staff of its
// facility (the core judges, as for GET /api/reservations/{id}).
export async function reservationCalendar(request, env, url, reservationId) {
  const identity = await requireIdentity(request, env);
  const facilityId = facilityOf(reservationId);
  if (facilityId === null) throw new HttpError(404, "not_found", "no such reservation");
  const actor = actorFor(identity, facilityId);
  const found = await execute(env, "get", { facilityId, reservationId }, undefined, actor);
  if (found.status !== 200) return respond(found);
  const facility = await execute(env, "facility", { facilityId });
  if (facility.status !== 200) return respond(facility);
  const text = renderCalendar(found.reply.reservation, facility.reply, new URL(env.PUBLIC_BASE_URL ?? url.origin));
  return new Response(text, {
    status: 200,
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="${reservationId}.ics"`,
      "Cache-Control": "no-store",
    },
  });
}

// The VCALENDAR text (CRLF line ends, folded at 75 octets) for
// `reservation` at `facility` (the core's `facility` reply); `base` is the
// site the event links to.
export function renderCalendar(reservation, facility, base) {
  const zone = parsePosixRule(facility.tzRule);
  const start = Date.parse(reservation.startTime);
  const end = Date.parse(reservation.endTime);
  const court = facility.courts.find((c) => c.courtId === reservation.courtId)?.name ?? reservation.courtId;
  const cancelled = CANCELLED.has(reservation.status);
  const tzid = facility.timeZone;
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Courtside//Bookings//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    ...vtimezone(tzid, zone, start, end),
    "BEGIN:VEVENT",
    `UID:${reservation.reservationId}@courtside`,
    `SEQUENCE:${reservation.version}`,
    `DTSTAMP:${utcStamp(Date.parse(reservation.updatedAt))}`,
    `CREATED:${utcStamp(Date.parse(reservation.createdAt))}`,
    `LAST-MODIFIED:${utcStamp(Date.parse(reservation.updatedAt))}`,
    `DTSTART;TZID=${tzid}:${localStamp(start + offsetAt(zone, start) * 1000)}`,
    `DTEND;TZID=${tzid}:${localStamp(end + offsetAt(zone, end) * 1000)}`,
    `SUMMARY:${text(`${court} at ${facility.name}`)}`,
    `LOCATION:${text(facility.name)}`,
    `DESCRIPTION:${text(`Reservation ${reservation.reservationId}: ${court}, ${facility.name}.`)}`,
    `URL:${new URL(`/f/${facility.facilityId}`, base).href}`,
    `STATUS:${cancelled ? "CANCELLED" : reservation.status === "held" ? "TENTATIVE" : "CONFIRMED"}`,
    "TRANSP:OPAQUE",
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(fold).join("\r\n") + "\r\n";
}

// A VTIMEZONE for the years around the event: one STANDARD or DAYLIGHT
// part per change of offset, each starting at the wall-clock time (on the
// old offset) the change happens. Without daylight time, a single STANDARD.
function vtimezone(tzid, zone, startMs, endMs) {
  const lines = ["BEGIN:VTIMEZONE", `TZID:${tzid}`];
  if (!zone.hasDst) {
    lines.push(...part("STANDARD", zone.std, zone.std, Date.UTC(1970, 0, 1)));
  } else {
    const first = new Date(startMs).getUTCFullYear() - 1;
    const last = new Date(endMs).getUTCFullYear() + 1;
    for (const change of changesBetween(zone, first, last)) {
      lines.push(...part(change.toDst ? "DAYLIGHT" : "STANDARD", change.from, change.to, change.atMs + change.from * 1000));
    }
  }
  lines.push("END:VTIMEZONE");
  return lines;
}

function part(kind, fromS, toS, localStartMs) {
  return [
    `BEGIN:${kind}`,
    `DTSTART:${localStamp(localStartMs)}`,
    `TZOFFSETFROM:${offsetText(fromS)}`,
    `TZOFFSETTO:${offsetText(toS)}`,
    `END:${kind}`,
  ];
}

// The offset (seconds east of UTC) in effect at `utcMs`.
function offsetAt(zone, utcMs) {
  if (!zone.hasDst) return zone.std;
  const year = new Date(utcMs).getUTCFullYear();
  let offset = null;
  for (const change of changesBetween(zone, year - 1, year + 1)) {
    if (change.atMs <= utcMs) offset = change.to;
  }
  return offset ?? zone.std;
}

// Every change of offset in the years `first`..`last`, in order: {atMs
// (UTC), from, to, toDst}.
function changesBetween(zone, first, last) {
  const changes = [];
  for (let year = first; year <= last; year++) {
    // The start is read on standard time, the end on daylight time (POSIX).
    const start = changeDayMs(year, zone.start) + zone.start.timeS * 1000 - zone.std * 1000;
    const end = changeDayMs(year, zone.end) + zone.end.timeS * 1000 - zone.dst * 1000;
    changes.push({ atMs: start, from: zone.std, to: zone.dst, toDst: true });
    changes.push({ atMs: end, from: zone.dst, to: zone.std, toDst: false });
  }
  return changes.sort((a, b) => a.atMs - b.atMs);
}

// Midnight (as a UTC-based ms count of the local calendar) of the day a
// POSIX change date names in `year`.
function changeDayMs(year, date) {
  if (date.kind === "M") {
    const firstOfMonth = Date.UTC(year, date.month - 1, 1);
    const weekday = new Date(firstOfMonth).getUTCDay();
    let day = 1 + ((date.weekday - weekday + 7) % 7) + (date.week - 1) * 7;
    const daysInMonth = new Date(Date.UTC(year, date.month, 0)).getUTCDate();
    while (day > daysInMonth) day -= 7; // week 5: the last such weekday
    return Date.UTC(year, date.month - 1, day);
  }
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  // Jn counts 1-365 and never February 29; n counts 0-365 and does.
  const dayOfYear = date.kind === "J" ? date.day - 1 + (leap && date.day >= 60 ? 1 : 0) : date.day;
  return Date.UTC(year, 0, 1) + dayOfYear * DAY_MS;
}

// A POSIX TZ rule ("EST5EDT,M3.2.0,M11.1.0", "<+0530>-5:30",
// "AEST-10AEDT,M10.1.0,M4.1.0/3") as {std, dst, hasDst, start, end},
// offsets in seconds east of UTC. The core has parsed and accepted it
// already, so a rule that does not parse here is a bug (500).
export function parsePosixRule(rule) {
  const reader = { text: rule, at: 0 };
  readName(reader);
  const std = -readDuration(reader);
  if (reader.at === rule.length) return { std, dst: std, hasDst: false };
  readName(reader);
  let dst = std + 3600;
  if (rule[reader.at] !== ",") dst = -readDuration(reader);
  const start = readChange(reader);
  const end = readChange(reader);
  if (reader.at !== rule.length) throw new Error(`unsupported TZ rule ${rule}`);
  return { std, dst, hasDst: true, start, end };
}

function readName(reader) {
  const match = /^(?:<[A-Za-z0-9+-]{3,}>|[A-Za-z]{3,})/.exec(reader.text.slice(reader.at));
  if (match === null) throw new Error(`unsupported TZ rule ${reader.text}`);
  reader.at += match[0].length;
}

// [+-]hh[:mm[:ss]] in seconds.
function readDuration(reader) {
  const match = /^([+-]?)(\d{1,3})(?::(\d{2}))?(?::(\d{2}))?/.exec(reader.text.slice(reader.at));
  if (match === null) throw new Error(`unsupported TZ rule ${reader.text}`);
  reader.at += match[0].length;
  const seconds = Number(match[2]) * 3600 + Number(match[3] ?? 0) * 60 + Number(match[4] ?? 0);
  return match[1] === "-" ? -seconds : seconds;
}

// ",Mm.w.d[/time]", ",Jn[/time]" or ",n[/time]"; the time defaults to 02:00.
function readChange(reader) {
  const match = /^,(?:M(\d{1,2})\.(\d)\.(\d)|J(\d{1,3})|(\d{1,3}))/.exec(reader.text.slice(reader.at));
  if (match === null) throw new Error(`unsupported TZ rule ${reader.text}`);
  reader.at += match[0].length;
  const change =
    match[1] !== undefined
      ? { kind: "M", month: Number(match[1]), week: Number(match[2]), weekday: Number(match[3]) }
      : { kind: match[4] !== undefined ? "J" : "n", day: Number(match[4] ?? match[5]) };
  change.timeS = 7200;
  if (reader.text[reader.at] === "/") {
    reader.at += 1;
    change.timeS = readDuration(reader);
  }
  return change;
}

// 20261202T230000Z
function utcStamp(ms) {
  return `${localStamp(ms)}Z`;
}

// 20261202T180000: the UTC fields of `ms` (a wall-clock reading stored as ms).
function localStamp(ms) {
  return new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, "");
}

// -0500, +0530, +013045 for odd historical seconds.
function offsetText(seconds) {
  const sign = seconds < 0 ? "-" : "+";
  const abs = Math.abs(seconds);
  const pad = (n) => String(n).padStart(2, "0");
  const hhmm = `${pad(Math.floor(abs / 3600))}${pad(Math.floor((abs % 3600) / 60))}`;
  return `${sign}${hhmm}${abs % 60 === 0 ? "" : pad(abs % 60)}`;
}

// TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11).
function text(value) {
  return String(value).replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, "\\n");
}

// Lines longer than 75 octets continue on the next line after a space,
// never splitting a UTF-8 character (RFC 5545 3.1).
function fold(line) {
  const encoder = new TextEncoder();
  if (encoder.encode(line).length <= 75) return line;
  const pieces = [];
  let current = "";
  let size = 0;
  for (const char of line) {
    const charSize = encoder.encode(char).length;
    const limit = pieces.length === 0 ? 75 : 74; // continuation lines start with a space
    if (size + charSize > limit) {
      pieces.push(current);
      current = "";
      size = 0;
    }
    current += char;
    size += charSize;
  }
  pieces.push(current);
  return pieces.join("\r\n ");
}
