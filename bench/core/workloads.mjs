// workloads.mjs: the core benchmarks' workloads, one definition for the
// native and the wasm runners. Each workload is a file of commands, one a
// line, encoded by glue/core.js's encodeCommand exactly as the facility's
// Durable Object encodes them (envelope with `now`, `newId`, the caller's
// actor and the URL's params, the client's body spliced in as `args`).
// Lines starting with '#' steer the runner:
//   #reset    a fresh facility (cs_facility_init / a new Core)
//   #setup    the commands that follow are run but not timed
//   #measure  the commands that follow are timed
// Everything is derived from a fixed seed, so every run, native or wasm,
// executes the same bytes.
import { localInstant } from "../../scripts/local-time.mjs";
import { encodeCommand } from "../../glue/core.js";

export const SEED = 20261130;
const FACILITY = "bench";
const TIME_ZONE = "America/New_York";
const COURTS = 8;
const DAYS = 30;
const FIRST_HOUR = 6; // hourly slots 06:00-22:00
const LAST_HOUR = 22;
const T0 = Date.parse("2027-03-01T05:00:00Z"); // midnight in New York; the days booked are 2027-03-02..31 (a DST change inside)
const STEP_MS = 1; // the clock moves 1 ms per command: holds (15 s) never lapse in a workload
const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const encoder = new TextEncoder();

// mulberry32: a small seeded generator, [0, 1).
export function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

// Zipf(s) over 0..n-1 (rank 0 the hottest), by inverting the cumulative weights.
export function zipf(n, s, random) {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total += 1 / (i + 1) ** s;
  return () => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

// The facility's COURTS courts, each of `capacity` places (single when
// not given: no capacity field, the core's default).
function courts(capacity) {
  return Array.from({ length: COURTS }, (_, i) => ({
    courtId: `court-${i + 1}`, name: `Court ${i + 1}`, ...(capacity === undefined ? {} : { capacity }),
  }));
}

// The facility the workloads book: 8 single courts, hourly slots 06:00-22:00
// every day, the demo club's other defaults (holds 15 s, reminders 24 h and
// 2 h before). `changes` override fields.
export function facilityConfig(changes = {}) {
  const hours = [`${String(FIRST_HOUR).padStart(2, "0")}:00-${LAST_HOUR}:00`];
  return {
    facilityId: FACILITY,
    name: "Bench Racquet Club",
    timeZone: TIME_ZONE,
    courts: courts(),
    openingHours: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((day) => [day, hours])),
    gridMinutes: 60,
    durationsMinutes: [60],
    holdTtlSeconds: 15,
    maxHoldsPerMember: 2,
    ...changes,
  };
}

// Every slot of the 30 days: {courtId, startTime, endTime, date}, day by
// day, hour by hour, court by court.
export function allSlots() {
  const slots = [];
  for (let day = 1; day <= DAYS; day++) {
    const date = new Date(T0 + day * 86_400_000).toISOString().slice(0, 10);
    for (let hour = FIRST_HOUR; hour < LAST_HOUR; hour++) {
      const startTime = localInstant(date, `${String(hour).padStart(2, "0")}:00`, TIME_ZONE);
      const endTime = new Date(Date.parse(startTime) + 3_600_000).toISOString().replace(".000Z", "Z");
      for (let court = 1; court <= COURTS; court++) slots.push({ courtId: `court-${court}`, startTime, endTime, date });
    }
  }
  return slots;
}

// Writes one workload's lines; tracks the clock and the ids as the host would.
export class Script {
  lines = [];
  now = T0;
  #random;
  #count = 0;

  constructor(seed = SEED) {
    this.#random = generator(seed);
  }

  directive(name) {
    this.lines.push(`#${name}`);
  }

  // A fresh reservation (block, entry) id, `{facilityId}_{16 base62}` as
  // glue/ids.js makes them, from the seeded generator.
  newId() {
    let id = `${FACILITY}_`;
    for (let i = 0; i < 16; i++) id += BASE62[Math.floor(this.#random() * 62)];
    return id;
  }

  // Appends one command; `body` is the client's JSON body (an object) or
  // undefined; `actor` undefined is a trusted host call.
  command(op, { params = {}, body, actor, newId } = {}) {
    this.now += STEP_MS;
    this.#count++;
    const args = body === undefined ? undefined : encoder.encode(JSON.stringify(body));
    const bytes = encodeCommand({ op, now: this.now, newId, actor, params: { facilityId: FACILITY, ...params } }, args);
    this.lines.push(new TextDecoder().decode(bytes));
  }

  advance(ms) {
    this.now += ms;
  }

  configure(changes) {
    this.command("configure", { params: {}, body: facilityConfig(changes) });
  }

  attempt(slot, memberId, reservationId) {
    const { courtId, startTime, endTime } = slot;
    this.command("attempt", {
      body: { facilityId: FACILITY, courtId, startTime, endTime, memberId },
      actor: member(memberId),
      newId: reservationId,
    });
  }

  release(reservationId, memberId) {
    this.command("release", { body: { facilityId: FACILITY, reservationId }, actor: member(memberId) });
  }

  confirm(reservationId, memberId) {
    this.command("confirm", { body: { facilityId: FACILITY, reservationId }, actor: member(memberId) });
  }

  // DELETE /api/reservations/{id}: the id in the params, no body.
  cancel(reservationId, memberId) {
    this.command("cancel", { params: { reservationId }, actor: memberId === undefined ? STAFF : member(memberId) });
  }

  book(slot, memberId, reservationId) {
    const { courtId, startTime, endTime } = slot;
    this.command("book", { body: { facilityId: FACILITY, courtId, startTime, endTime, memberId }, actor: STAFF, newId: reservationId });
  }

  availability(date) {
    this.command("availability", { params: { date } });
  }

  text() {
    return `${this.lines.join("\n")}\n`;
  }
}

const STAFF = { memberId: "desk-1", role: "staff" };
function member(memberId) {
  return { memberId, role: "member" };
}

// ---- the workloads ----

const SLOTS = allSlots(); // 3,840

// Holds on every free slot of the 30 days (3,840), one member per two slots.
function attempt() {
  const s = new Script();
  s.directive("setup");
  s.configure();
  s.directive("measure");
  SLOTS.forEach((slot, i) => s.attempt(slot, `m-${i >> 1}`, s.newId()));
  return s;
}

// A hold on every slot, two per member (`m-0` has slots 0 and 1, ...),
// each confirmed at once when `confirm`; returns their ids in slot order.
function holdEverySlot(s, { confirm = false } = {}) {
  return SLOTS.map((slot, i) => {
    const id = s.newId();
    s.attempt(slot, `m-${i >> 1}`, id);
    if (confirm) s.confirm(id, `m-${i >> 1}`);
    return id;
  });
}

// 3,840 holds (untimed), then each confirmed.
function confirm() {
  const s = new Script();
  s.directive("setup");
  s.configure();
  const ids = holdEverySlot(s);
  s.directive("measure");
  ids.forEach((id, i) => s.confirm(id, `m-${i >> 1}`));
  return s;
}

// 3,840 confirmed bookings (untimed), then each cancelled by its member.
function cancel() {
  const s = new Script();
  s.directive("setup");
  s.configure();
  const ids = holdEverySlot(s, { confirm: true });
  s.directive("measure");
  ids.forEach((id, i) => s.cancel(id, `m-${i >> 1}`));
  return s;
}

// What 64 members do, interleaved: look at a day, hold a Zipf-chosen slot
// (s = 1.1: evenings near today are hot), confirm it when the hold was
// granted, and cancel one of their own bookings with probability 0.3.
// 20,000 commands; the generator keeps the state a client would. With
// `busy`, first (untimed) BUSY_ROWS holds made and released, so the mix
// runs on a full table of reservations in memory, as at a facility that
// has taken a few hundred attempts a second for the last hour (ended
// holds stay an hour as history).
export const BUSY_ROWS = 16384; // CS_RESERVATIONS_MAX
function mix({ busy = false } = {}) {
  const s = new Script();
  const random = generator(SEED + 1);
  const pick = zipf(SLOTS.length, 1.1, random);
  const order = hotOrder(random);
  s.directive("setup");
  s.configure();
  for (let i = 0; busy && i < BUSY_ROWS; i++) {
    const id = s.newId();
    s.attempt(SLOTS[i % SLOTS.length], `m-${i % 64}`, id);
    s.release(id, `m-${i % 64}`);
  }
  s.directive("measure");
  const measureFrom = s.lines.length;
  const taken = new Set();
  const mine = Array.from({ length: 64 }, () => []);
  let client = 0;
  while (s.lines.length - measureFrom < 20_000 - 3) {
    const memberId = `m-${client}`;
    const slot = SLOTS[order[pick()]];
    s.availability(slot.date);
    const id = s.newId();
    s.attempt(slot, memberId, id);
    const key = `${slot.courtId} ${slot.startTime}`;
    if (!taken.has(key)) {
      taken.add(key);
      s.confirm(id, memberId);
      mine[client].push({ id, key });
    }
    if (mine[client].length > 0 && random() < 0.3) {
      const [booking] = mine[client].splice(Math.floor(random() * mine[client].length), 1);
      s.cancel(booking.id, memberId);
      taken.delete(booking.key);
    }
    client = (client + 1) % 64;
  }
  return s;
}

// A permutation of the slots, hottest first: evenings (17:00-21:00) of the
// nearest days lead, the rest follows shuffled.
function hotOrder(random) {
  const indices = SLOTS.map((_, i) => i);
  const score = (i) => {
    const hour = (Math.floor(i / COURTS) % (LAST_HOUR - FIRST_HOUR)) + FIRST_HOUR;
    const day = Math.floor(i / (COURTS * (LAST_HOUR - FIRST_HOUR)));
    return (hour >= 17 && hour < 21 ? 0 : 100) + day + random();
  };
  const scores = indices.map(score);
  return indices.sort((a, b) => scores[a] - scores[b]);
}

// The busiest day: every slot of day 1 taken (two thirds confirmed, a third
// held), then 2,000 availability reads of it.
function availability() {
  const s = new Script();
  s.directive("setup");
  s.configure();
  const day = SLOTS.filter((slot) => slot.date === SLOTS[0].date);
  day.forEach((slot, i) => {
    const id = s.newId();
    s.attempt(slot, `m-${i}`, id);
    if (i % 3 !== 2) s.confirm(id, `m-${i}`);
  });
  s.directive("measure");
  for (let i = 0; i < 2000; i++) s.availability(SLOTS[0].date);
  return s;
}

// The waitlist at its limit: every slot of the 30 days booked by staff,
// then CS_WAITLIST_MAX (2,048) entries waiting (auto-book, any court,
// windows of 2-4 hours across the 30 days, one member each). Timed: 500
// cancels, each freeing a place the matcher gives to a waiting entry
// (the list shrinks from 2,048 to 1,548 waiting).
export const WAITLIST_ENTRIES = 2048;
function waitlist() {
  const s = new Script();
  const random = generator(SEED + 2);
  s.directive("setup");
  s.configure({ waitlist: { maxEntriesPerMember: 100, maxEntriesPerWindow: 1000 } });
  const ids = SLOTS.map((slot, i) => {
    const id = s.newId();
    s.book(slot, `owner-${i}`, id);
    return id;
  });
  const days = SLOTS.filter((_, i) => i % (COURTS * (LAST_HOUR - FIRST_HOUR)) === 0);
  for (let i = 0; i < WAITLIST_ENTRIES; i++) {
    const day = days[Math.floor(random() * DAYS)];
    const firstHour = Math.floor(random() * 13); // window starts 06:00-18:00 (slot index within the day)
    const hours = 2 + Math.floor(random() * 3);
    const earliestStart = SLOTS[SLOTS.indexOf(day) + firstHour * COURTS].startTime;
    const latestEnd = new Date(Date.parse(earliestStart) + hours * 3_600_000).toISOString().replace(".000Z", "Z");
    const memberId = `w-${i}`;
    s.command("waitlist_join", {
      body: { facilityId: FACILITY, memberId, earliestStart, latestEnd, durationMinutes: 60, mode: "auto_book" },
      actor: member(memberId),
      newId: s.newId().slice(0, 60),
    });
  }
  s.directive("measure");
  const order = SLOTS.map((_, i) => i).sort(() => random() - 0.5);
  for (let i = 0; i < 500; i++) s.cancel(ids[order[i]]);
  return s;
}

// Reminder planning for 100,000 bookings, in 10 batches of 10,000: the
// reservation table holds 16,384, so each batch is a fresh facility
// (courts of capacity 3 give 11,520 places). Timed: the staff bookings,
// each planning its reminders (24 h and 2 h before). `offsets` [] is the
// same without reminders, to isolate the planning.
function reminders(offsetsMinutes = [1440, 120]) {
  const s = new Script();
  for (let batch = 0; batch < 10; batch++) {
    s.directive("reset");
    s.directive("setup");
    s.now = T0;
    s.configure({
      courts: courts(3),
      reminders: { offsetsMinutes, noShowGraceMinutes: 0 },
    });
    s.directive("measure");
    for (let i = 0; i < 10_000; i++) s.book(SLOTS[i % SLOTS.length], `m-${batch}-${i}`, s.newId());
  }
  return s;
}

// Reminders going out: 10,000 bookings with reminders (untimed), then the
// clock moves an hour at a time through the 30 days, each tick sending the
// reminders that came due (20,000 in all; at most CS_NOTICES_MAX per command).
function reminderTicks() {
  const s = new Script();
  s.directive("setup");
  s.configure({
    courts: courts(3),
    reminders: { offsetsMinutes: [1440, 120], noShowGraceMinutes: 0 },
  });
  for (let i = 0; i < 10_000; i++) s.book(SLOTS[i % SLOTS.length], `m-${i}`, s.newId());
  s.directive("measure");
  for (let hour = 0; hour < 24 * (DAYS + 1); hour++) {
    s.advance(3_600_000);
    s.command("tick", {});
  }
  return s;
}

// 10,000 live confirmed reservations, for the memory figures (snapshot
// bytes; the tables themselves are fixed-size). Timed: nothing but one tick.
function memory() {
  const s = new Script();
  s.directive("setup");
  s.configure({
    courts: courts(3),
  });
  for (let i = 0; i < 10_000; i++) s.book(SLOTS[i % SLOTS.length], `m-${i}`, s.newId());
  s.directive("measure");
  s.command("tick", {});
  return s;
}

export const WORKLOADS = {
  attempt,
  confirm,
  cancel,
  mix,
  mix_busy: () => mix({ busy: true }),
  availability,
  waitlist,
  reminders: () => reminders(),
  reminders_off: () => reminders([]),
  reminder_ticks: reminderTicks,
  memory,
};
