// ids.js: the shape of ids. Reservation, block and waitlist ids are
// `{facilityId}_{6 characters of time}{13 random base62 characters}`:
// facility ids have no `_`, so the facility that owns a reservation is the
// part before the first `_`; the time (seconds since the epoch, base62 in
// byte order) makes a facility's ids sort by when they were made, so the
// projection's indexes keyed by them grow at one end instead of everywhere.
// Session ids are 22 random base62 characters.

const FACILITY_ID = /^[A-Za-z0-9-]{1,40}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const RANDOM_LENGTH = 13; // 77 bits; with a 40-character facility id, 60 in all
const ORDERED = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"; // base62 in byte order
const TIME_LENGTH = 6; // seconds: 62^6 of them reach past the year 3700
const SESSION_ID_LENGTH = 22; // 131 bits

export function isFacilityId(value) {
  return typeof value === "string" && FACILITY_ID.test(value);
}

// An id of the API (member, court, reservation): 1-64 of A-Z a-z 0-9 _ -.
export function isId(value) {
  return typeof value === "string" && ID.test(value);
}

// `length` random base62 characters, from crypto.getRandomValues.
export function randomBase62(length) {
  let random = "";
  while (random.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
      // 248 = 4 * 62: dropping the bytes above keeps every character equally likely.
      if (byte < 248 && random.length < length) random += BASE62[byte % 62];
    }
  }
  return random;
}

// A fresh id for a reservation, a block or a waitlist entry of
// `facilityId`, made at `nowMs`. The longest (a 40-character facility id)
// is 60 characters: the most a waitlist entry's id may have, so that the
// ids of the reservations made for it ("{entry id}-{n}") stay within
// isId's 64.
export function newId(facilityId, nowMs) {
  return `${facilityId}_${timeOrdered(nowMs)}${randomBase62(RANDOM_LENGTH)}`;
}

// `nowMs`'s whole seconds as TIME_LENGTH base62 digits in byte order, so
// later times sort after earlier ones.
function timeOrdered(nowMs) {
  let seconds = Math.floor(nowMs / 1000);
  let digits = "";
  for (let i = 0; i < TIME_LENGTH; i++) {
    digits = ORDERED[seconds % 62] + digits;
    seconds = Math.floor(seconds / 62);
  }
  return digits;
}

export function newSessionId() {
  return randomBase62(SESSION_ID_LENGTH);
}

// The facility a reservation id belongs to, or null if it has none.
export function facilityOf(reservationId) {
  const separator = reservationId.indexOf("_");
  const facilityId = reservationId.slice(0, separator);
  return separator !== -1 && isFacilityId(facilityId) ? facilityId : null;
}
