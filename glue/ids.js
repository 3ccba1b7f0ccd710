// ids.js: the shape of facility ids and reservation ids. A reservation id is
// `{facilityId}_{16 random base62 characters}`; facility ids have no `_`, so
// the facility that owns a reservation is the part before the first `_`.

const FACILITY_ID = /^[A-Za-z0-9-]{1,40}$/;
const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const RANDOM_LENGTH = 16;

export function isFacilityId(value) {
  return typeof value === "string" && FACILITY_ID.test(value);
}

// A fresh reservation id for `facilityId`, from crypto.getRandomValues.
export function newReservationId(facilityId) {
  let random = "";
  while (random.length < RANDOM_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(RANDOM_LENGTH))) {
      // 248 = 4 * 62: dropping the bytes above keeps every character equally likely.
      if (byte < 248 && random.length < RANDOM_LENGTH) random += BASE62[byte % 62];
    }
  }
  return `${facilityId}_${random}`;
}

// The facility a reservation id belongs to, or null if it has none.
export function facilityOf(reservationId) {
  const separator = reservationId.indexOf("_");
  const facilityId = reservationId.slice(0, separator);
  return separator !== -1 && isFacilityId(facilityId) ? facilityId : null;
}
