// app.js: the member's page, put together: finds the facility (from
// /f/{facilityId}, or the first in the directory at /), signs the member
// in and out, keeps the day board live (live.js → board-state.js →
// board.js), runs the booking panel (panel.js) and the member's lists
// (my-lists.js), and shows every failure in plain words (wording.js).
import { Api } from "./api.js";
import { drawBoard, refreshBoard } from "./board.js";
import { DayBoard } from "./board-state.js";
import { LiveAvailability } from "./live.js";
import { addDays, dateIn, longDate } from "./local-time.js";
import { drawBookings, drawWaitlist } from "./my-lists.js";
import { BookingPanel } from "./panel.js";
import { Session } from "./session.js";
import { explain } from "./wording.js";

const WINDOW_DAYS_DEFAULT = 60; // how far the date picker goes when the club sets no booking window
const RECENT_MS = 30_000; // a change made here outlives an older list from the server this long
const $ = (id) => document.getElementById(id);

const session = new Session();
const api = new Api(() => session.token);
const narrow = matchMedia("(max-width: 600px)");
const mine = new Map(); // reservationId → the member's held or confirmed reservation here
const touched = new Map(); // reservationId → when this page last changed it
let facility;
let board;
let live;
let panel;
let entries = [];

main().catch(showError);

async function main() {
  const facilityId = await chooseFacility();
  facility = await api.get(`/api/facilities/${encodeURIComponent(facilityId)}`);
  document.title = `${facility.name} · Courtside`;
  $("facility-name").textContent = facility.name;
  $("time-zone").textContent = `Times are local to the club (${facility.timeZone}).`;
  board = new DayBoard(facility);
  panel = new BookingPanel($("panel"), { api, session, facility, board, events: panelEvents() });

  const today = dateIn(facility.timeZone);
  const wanted = new URLSearchParams(location.search).get("date");
  const windowDays = facility.rules?.windowDays || WINDOW_DAYS_DEFAULT;
  const picker = $("date");
  picker.min = today;
  picker.max = addDays(today, windowDays);
  picker.value = wanted && wanted >= picker.min && wanted <= picker.max ? wanted : today;
  picker.addEventListener("change", () => picker.value && showDate(picker.value));
  $("previous-day").addEventListener("click", () => stepDay(-1));
  $("next-day").addEventListener("click", () => stepDay(1));
  narrow.addEventListener("change", drawAll);
  setUpAccount();
  sayPaymentOutcome();

  live = new LiveAvailability(facility.facilityId, picker.value, {
    onState(availability) {
      board.setAvailability(availability);
      $("board-date").textContent = longDate(availability.date);
      drawAll();
    },
    onChange(message) {
      if (!board.applyChange(message)) live.resync();
      refreshBoard($("board"), board);
      if (session.memberId !== null) refreshMineSoon();
    },
    async onFacilityUpdated() {
      Object.assign(facility, await api.get(`/api/facilities/${facility.facilityId}`));
      live.resync();
    },
    onStatus: showConnection,
  });
  live.start();
  $("board-date").textContent = longDate(picker.value);
  await refreshMine();
  await loadReturnedReservation();
}

// The facility of /f/{facilityId}; at / the first the directory lists.
async function chooseFacility() {
  const match = /^\/f\/([^/]+)$/.exec(location.pathname);
  if (match !== null) return decodeURIComponent(match[1]);
  const directory = await api.get("/api/facilities");
  if (directory.length === 0) throw new Error("no facility");
  return directory[0].facilityId;
}

function showDate(date) {
  $("date").value = date;
  $("board-date").textContent = longDate(date);
  history.replaceState(null, "", `${location.pathname}?date=${date}`);
  panel.close();
  live.showDate(date);
}

function stepDay(days) {
  const picker = $("date");
  const date = addDays(picker.value, days);
  if (date >= picker.min && date <= picker.max) showDate(date);
}

function drawAll() {
  if (board.availability === null) return;
  drawBoard($("board"), board, { narrow: narrow.matches, onPick: (courtId, startTime) => panel.pick(courtId, startTime) });
}

function showConnection(state, retryInMs) {
  const indicator = $("connection");
  indicator.dataset.state = state;
  const words = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" };
  indicator.textContent =
    state === "reconnecting" && retryInMs ? `Connection lost; retrying in ${Math.ceil(retryInMs / 1000)} s` : words[state];
}

// Signing in and out (the development sign-in).
function setUpAccount() {
  $("sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    const memberId = $("member-id").value.trim();
    try {
      await session.signIn(api, memberId);
      say(`Signed in as ${memberId}.`);
      showAccount();
      await refreshMine();
    } catch (error) {
      if (error.code === "not_found") showMessage("Signing in here only works on a development server.");
      else if (error.code === "invalid_field") showMessage("A member id is 1 to 64 letters, digits, _ or -.");
      else showError(error);
    }
  });
  $("sign-out").addEventListener("click", async () => {
    await session.signOut(api);
    signedOut();
  });
  showAccount();
}

function showAccount() {
  const signedIn = session.memberId !== null;
  $("sign-in").hidden = signedIn;
  $("signed-in").hidden = !signedIn;
  $("member-name").textContent = session.memberId ?? "";
  $("my-lists").hidden = !signedIn;
}

function signedOut() {
  mine.clear();
  entries = [];
  panel.close();
  showAccount();
  updateMine();
}

// The member's reservations and waitlist entries here, from the server,
// merged with what this page changed a moment ago (the list is read from
// the shared projection, which may lag a few hundred milliseconds).
async function refreshMine() {
  if (session.memberId === null) return updateMine();
  try {
    const [reservations, waitlist] = await Promise.all([
      api.get("/api/members/me/reservations"),
      api.get(`/api/waitlist?facilityId=${facility.facilityId}`),
    ]);
    const fresh = new Map(reservations.reservations.filter((r) => r.facilityId === facility.facilityId).map((r) => [r.reservationId, r]));
    for (const [id, local] of mine) {
      const server = fresh.get(id);
      const recent = Date.now() - (touched.get(id) ?? 0) < RECENT_MS;
      if (recent && (server === undefined || server.version < local.version)) fresh.set(id, local);
    }
    for (const [id, reservation] of fresh) {
      const live = reservation.status === "confirmed" || (reservation.status === "held" && !holdEnded(reservation));
      if (!live || (touched.has(id) && Date.now() - touched.get(id) < RECENT_MS && !mine.has(id))) fresh.delete(id);
    }
    mine.clear();
    for (const [id, reservation] of fresh) mine.set(id, reservation);
    entries = waitlist.entries;
  } catch (error) {
    showError(error);
  }
  updateMine();
}

let refreshTimer = null;
function refreshMineSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refreshMine, 800);
}

function holdEnded(reservation) {
  return reservation.holdExpiry !== undefined && Date.parse(reservation.holdExpiry) <= Date.now();
}

// A change this page made to one of the member's reservations.
function remember(reservation) {
  touched.set(reservation.reservationId, Date.now());
  if (reservation.status === "confirmed" || reservation.status === "held") mine.set(reservation.reservationId, reservation);
  else mine.delete(reservation.reservationId);
  updateMine();
}

function forget(reservationId) {
  touched.set(reservationId, Date.now());
  mine.delete(reservationId);
  updateMine();
}

function updateMine() {
  const upcoming = [...mine.values()].sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
  board.setMine(upcoming);
  refreshBoard($("board"), board);
  const actions = listActions();
  drawBookings($("my-bookings"), upcoming, facility, actions);
  drawWaitlist($("my-waitlist"), entries, facility, actions);
}

function panelEvents() {
  return {
    held: (reservation) => {
      remember(reservation);
      say("Slot held. Confirm it before the time runs out.");
    },
    confirmed: (reservation) => {
      remember(reservation);
      say("Booked.");
    },
    released: forget,
    expired: forget,
    joined: () => refreshMine(),
    cancel: cancelBooking,
    calendar: downloadCalendar,
    failed: showError,
    say,
  };
}

function listActions() {
  return {
    cancel: cancelBooking,
    calendar: downloadCalendar,
    accept: (entry) => answerOffer(entry, "accept"),
    decline: (entry) => answerOffer(entry, "decline"),
    leave: async (entry) => {
      try {
        await api.delete(`/api/waitlist/${entry.waitlistId}`);
        say("You left the waitlist.");
        await refreshMine();
      } catch (error) {
        showError(error);
      }
    },
  };
}

async function cancelBooking(reservation) {
  try {
    if (reservation.status === "held") {
      await api.post("/api/realtime/release", { facilityId: facility.facilityId, reservationId: reservation.reservationId });
      forget(reservation.reservationId);
      say("Hold let go.");
    } else {
      const reply = await api.delete(`/api/reservations/${reservation.reservationId}`);
      remember(reply.reservation);
      say("Booking cancelled.");
    }
    panel.close();
  } catch (error) {
    showError(error);
  }
}

async function answerOffer(entry, answer) {
  try {
    if (answer === "accept" && facility.pricing) return await payForOffer(entry);
    await api.post(`/api/waitlist/${answer}`, { facilityId: facility.facilityId, waitlistId: entry.waitlistId });
    say(answer === "accept" ? "Offer accepted: the court is booked for you." : "Offer declined.");
    await refreshMine();
  } catch (error) {
    showError(error);
  }
}

// At a facility with prices an offer is accepted by paying for it (the
// webhook then books it); a free one is booked at once.
async function payForOffer(entry) {
  const reply = await api.post("/api/stripe/checkout", { facilityId: facility.facilityId, reservationId: entry.reservationId });
  if (!reply.free) {
    say("Taking you to the payment page…");
    location.assign(reply.checkoutUrl);
    return;
  }
  say("Offer accepted: the court is booked for you.");
  await refreshMine();
}

// "Add to calendar": the booking's .ics, fetched with the session and
// handed to the browser as a download.
async function downloadCalendar(reservation) {
  try {
    const response = await api.raw("GET", `/api/reservations/${reservation.reservationId}/calendar.ics`);
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw Object.assign(new Error(body.message), { code: body.error ?? "internal", ...body });
    }
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = `courtside-${reservation.reservationId}.ics`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (error) {
    showError(error);
  }
}

function showError(error) {
  if (error.code === "unauthenticated") {
    session.forget();
    signedOut();
  }
  showMessage(error.code === undefined ? "Something went wrong loading the page. Please reload it." : explain(error));
}

function showMessage(text) {
  const alert = $("alert");
  alert.hidden = false;
  $("alert-text").textContent = text;
}

// Back from Stripe's page (?payment=...&reservationId=R): the reservation
// as the facility has it now, so the board shows it as the member's at
// once; My bookings reads the shared projection, which may not have the
// payment's confirmation yet. A reservation that is not the member's (a
// link from someone else) is left out quietly.
async function loadReturnedReservation() {
  const params = new URLSearchParams(location.search);
  const reservationId = params.get("reservationId");
  if (params.get("payment") === null || reservationId === null || session.memberId === null) return;
  try {
    const { reservation } = await api.get(`/api/reservations/${encodeURIComponent(reservationId)}`);
    if (reservation.facilityId === facility.facilityId && reservation.memberId === session.memberId) remember(reservation);
  } catch (error) {
    if (!(error.status >= 400 && error.status < 500)) showError(error); // a refusal means not ours: quiet
  }
}

// Back from Stripe's page (?payment=success|cancelled): what happens next.
function sayPaymentOutcome() {
  const outcome = new URLSearchParams(location.search).get("payment");
  if (outcome === "success") showMessage("Payment received. Your booking is confirmed as soon as the payment is settled; it shows under My bookings.");
  if (outcome === "cancelled") showMessage("Payment cancelled. The court stays held for you until the checkout expires: pick it to pay, or let it go.");
}

function say(text) {
  $("announcer").textContent = text;
}

$("dismiss-alert").addEventListener("click", () => {
  $("alert").hidden = true;
});
