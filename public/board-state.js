// board-state.js: what the day board shows, without the DOM. Holds the
// day's availability as the server sent it, applies one slot_* change to
// it, and says what state each cell is in, counting the member's own holds
// and bookings. A change it cannot apply exactly (a court shared by several
// players, a facility with buffers between bookings) asks for a re-sync.
const STATUS_OF_CHANGE = { slot_pending: "pending", slot_reserved: "reserved", slot_released: "available" };

export class DayBoard {
  // `facility`: the facility's configuration (GET /api/facilities/{id}).
  constructor(facility) {
    this.facility = facility;
    this.availability = null;
    this.mine = []; // the member's held and confirmed reservations here
  }

  setAvailability(availability) {
    this.availability = availability;
  }

  setMine(reservations) {
    this.mine = reservations;
  }

  get date() {
    return this.availability?.date ?? null;
  }

  // Applies a slot_* message; false when only a re-sync can tell the new
  // state. A change on another day touches no cell and is applied.
  applyChange(message) {
    const court = this.availability?.courts.find((c) => c.courtId === message.courtId);
    if (court === undefined) return this.availability === null;
    const touched = court.slots.filter((slot) => overlaps(slot, message));
    if (touched.length === 0) return true;
    if (court.capacity > 1 || (this.facility.bufferMinutes ?? 0) > 0) return false;
    const status = STATUS_OF_CHANGE[message.type];
    for (const slot of touched) {
      if (slot.status === "closed") continue;
      slot.status = status;
      slot.remaining = status === "available" ? 1 : 0;
    }
    return true;
  }

  // The time rows of the day: every slot start any court has, in order.
  times() {
    const starts = new Map();
    for (const court of this.availability?.courts ?? []) {
      for (const slot of court.slots) starts.set(slot.startTime, slot.endTime);
    }
    return [...starts].sort(([a], [b]) => Date.parse(a) - Date.parse(b)).map(([startTime, endTime]) => ({ startTime, endTime }));
  }

  // The cell of `courtId` at `startTime`: {slot, state, remaining,
  // capacity, reservation?}; state is a key of SLOT_STATES (wording.js).
  cell(courtId, startTime) {
    const court = this.availability?.courts.find((c) => c.courtId === courtId);
    const slot = court?.slots.find((s) => s.startTime === startTime);
    if (slot === undefined) return { slot: null, state: "closed", remaining: 0, capacity: court?.capacity ?? 1 };
    const base = { slot, remaining: slot.remaining ?? 0, capacity: court.capacity };
    if (slot.status === "closed") return { ...base, state: "closed" };
    const used = slot.status !== "available" || base.remaining < court.capacity;
    const reservation = used ? this.mine.find((r) => r.courtId === courtId && overlaps(slot, r)) : undefined;
    if (reservation?.status === "confirmed") return { ...base, state: "yours", reservation };
    if (reservation?.status === "held") return { ...base, state: "your-hold", reservation };
    if (slot.status === "pending") return { ...base, state: "held" };
    if (slot.status === "reserved") return { ...base, state: "booked" };
    return { ...base, state: "available" };
  }
}

export function overlaps(a, b) {
  return Date.parse(a.startTime) < Date.parse(b.endTime) && Date.parse(b.startTime) < Date.parse(a.endTime);
}
