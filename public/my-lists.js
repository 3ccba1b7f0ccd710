// my-lists.js: the member's own lists under the board: "My bookings" (held
// and confirmed, upcoming, at this facility) with Add to calendar and
// Cancel, and "Your waitlist" with Accept and Decline for an offer, or
// Leave while waiting. Draws what it is given; the page does the requests.
import { el } from "./dom.js";
import { spanOf } from "./local-time.js";

const ENTRY_WORDS = { waiting: "Waiting", offered: "Offered to you", booked: "Booked for you", left: "Left", expired: "Ended" };

// `actions`: cancel(reservation), calendar(reservation), accept(entry),
// decline(entry), leave(entry).
export function drawBookings(list, reservations, facility, actions) {
  if (reservations.length === 0) {
    list.replaceChildren(el("li", { class: "empty" }, "No upcoming bookings here yet."));
    return;
  }
  list.replaceChildren(
    ...reservations.map((reservation) =>
      el(
        "li",
        { "data-reservation": reservation.reservationId, "data-status": reservation.status },
        el("span", {}, `${courtName(facility, reservation.courtId)}, ${spanOf(reservation.startTime, reservation.endTime, facility.timeZone)}`),
        el("span", { class: "badge" }, reservation.status === "held" ? "Held" : "Confirmed"),
        el(
          "span",
          { class: "actions" },
          reservation.status === "confirmed" &&
            el("button", { type: "button", onclick: () => actions.calendar(reservation) }, "Add to calendar"),
          el(
            "button",
            { type: "button", class: "danger", onclick: () => actions.cancel(reservation) },
            reservation.status === "held" ? "Let it go" : "Cancel booking",
          ),
        ),
      ),
    ),
  );
}

export function drawWaitlist(list, entries, facility, actions) {
  const open = entries.filter((entry) => entry.state === "waiting" || entry.state === "offered");
  if (open.length === 0) {
    list.replaceChildren(el("li", { class: "empty" }, "You are not waiting for any slot."));
    return;
  }
  list.replaceChildren(
    ...open.map((entry) =>
      el(
        "li",
        { "data-waitlist": entry.waitlistId, "data-state": entry.state },
        el("span", {}, `${entry.courtId ? courtName(facility, entry.courtId) : "Any court"}, ${spanOf(entry.earliestStart, entry.latestEnd, facility.timeZone)}`),
        el("span", { class: "badge" }, ENTRY_WORDS[entry.state] ?? entry.state),
        el(
          "span",
          { class: "actions" },
          entry.state === "offered" && el("button", { type: "button", class: "primary", onclick: () => actions.accept(entry) }, "Accept"),
          entry.state === "offered" && el("button", { type: "button", onclick: () => actions.decline(entry) }, "Decline"),
          entry.state === "waiting" && el("button", { type: "button", onclick: () => actions.leave(entry) }, "Leave the waitlist"),
        ),
      ),
    ),
  );
}

function courtName(facility, courtId) {
  return facility.courts.find((c) => c.courtId === courtId)?.name ?? courtId;
}
