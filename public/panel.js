// panel.js: the booking panel beside the board, for the cell the member
// picked: choose a length and hold a free slot; watch the hold's countdown,
// pay for it (a facility with prices: Stripe Checkout, whose webhook
// confirms it) or confirm it (a free facility, whose payment step is a
// marked placeholder), or let it go; join
// the waitlist for a taken slot; see one's own booking. Every request goes
// through the API; what the panel learns it reports to the page (`events`).
import { el } from "./dom.js";
import { longDate, plusMinutes, spanOf, timeOf } from "./local-time.js";


export class BookingPanel {
  #timer = null;

  // `events`: held(reservation), confirmed(reservation), released(id),
  // expired(id), joined(reply), cancel(reservation), calendar(reservation),
  // failed(error) and say(text) (a polite announcement).
  constructor(element, { api, session, facility, board, events }) {
    Object.assign(this, { element, api, session, facility, board, events });
  }

  close() {
    clearInterval(this.#timer);
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  // The panel for the cell of `courtId` at `startTime`.
  pick(courtId, startTime) {
    const cell = this.board.cell(courtId, startTime);
    const court = this.facility.courts.find((c) => c.courtId === courtId);
    if (cell.state === "your-hold") return this.showHold(cell.reservation);
    if (cell.state === "yours") return this.#show(`Your booking`, this.#yours(cell.reservation, court));
    if (this.session.memberId === null) {
      return this.#show(`${court.name} at ${timeOf(startTime, this.facility.timeZone)}`, el("p", {}, "Sign in above to book or to join the waitlist."));
    }
    if (cell.state === "available") return this.#show(`Book ${court.name}`, this.#choose(court, startTime));
    return this.#show(`${court.name} is taken`, this.#waitlist(court, startTime, cell.state));
  }

  // The hold's countdown, the payment step (Pay, or the placeholder of a
  // free facility with Confirm) and release.
  showHold(reservation) {
    const court = this.#courtName(reservation.courtId);
    const priced = this.facility.pricing !== undefined && this.facility.pricing !== null;
    const left = el("strong", { class: "countdown", "data-testid": "countdown" });
    const status = el("p", { class: "hold-status", role: "status" }, `Held for you. ${priced ? "Pay" : "Confirm"} before the time runs out.`);
    const confirm = priced
      ? el("button", { type: "button", class: "primary", onclick: () => this.#pay(reservation, confirm) }, "Pay")
      : el("button", { type: "button", class: "primary", onclick: () => this.#confirm(reservation, confirm) }, "Confirm booking");
    const release = el("button", { type: "button", onclick: () => this.#release(reservation) }, "Let it go");
    const tick = () => {
      const ms = Date.parse(reservation.holdExpiry) - Date.now();
      left.textContent = ms > 0 ? `${Math.ceil(ms / 1000)} s` : "0 s";
      if (ms > 0) return;
      clearInterval(this.#timer);
      confirm.disabled = true;
      release.disabled = true;
      status.textContent = "Your hold expired, so the slot was let go. Pick it again if it is still free.";
      this.events.expired(reservation.reservationId);
    };
    this.#show(`Your hold on ${court}`, [
      el("p", {}, spanOf(reservation.startTime, reservation.endTime, this.facility.timeZone)),
      el("p", {}, `Time left to ${priced ? "pay" : "confirm"}: `, left),
      status,
      priced
        ? this.#payStep(reservation, confirm)
        : el(
          "fieldset",
          { class: "payment" },
          el("legend", {}, "Payment (placeholder)"),
          el("p", {}, "Payments are not connected yet: no card is needed and nothing is charged. Confirming books the court."),
        ),
      el("div", { class: "actions" }, confirm, release),
    ]);
    tick();
    this.#timer = setInterval(tick, 250);
    confirm.focus();
  }

  // The price (as the core fixed it at the hold) and what paying does; the
  // reservation is read again, so a hold already in checkout shows its
  // longer expiry.
  #payStep(reservation, pay) {
    const price = el("p", { class: "price", "data-testid": "price" }, "Looking up the price…");
    const show = (payment) => {
      if (payment === undefined) {
        price.textContent = "This booking is free for you.";
        pay.textContent = "Confirm booking";
        return;
      }
      price.textContent = `Price: ${money(payment.amount, payment.currency)}. You pay on Stripe's secure page; the booking is confirmed when the payment arrives.`;
      pay.textContent = `Pay ${money(payment.amount, payment.currency)}`;
    };
    if (reservation.payment !== undefined) show(reservation.payment);
    this.api.get(`/api/reservations/${encodeURIComponent(reservation.reservationId)}`).then(({ reservation: current }) => {
      if (current.holdExpiry !== undefined) reservation.holdExpiry = current.holdExpiry;
      reservation.payment = current.payment;
      show(current.payment);
    }, (error) => this.events.failed(error));
    return el("fieldset", { class: "payment" }, el("legend", {}, "Payment"), price);
  }

  // Starts checkout: a free hold is confirmed at once; otherwise the member
  // goes to Stripe's page and comes back to this page when done.
  async #pay(reservation, button) {
    button.disabled = true;
    try {
      const reply = await this.api.post("/api/stripe/checkout", {
        facilityId: this.facility.facilityId,
        reservationId: reservation.reservationId,
      });
      if (!reply.free) {
        this.events.say("Taking you to the payment page…");
        location.assign(reply.checkoutUrl);
        return;
      }
      this.#booked(reply.reservation);
    } catch (error) {
      button.disabled = error.code === "hold_expired";
      this.events.failed(error);
    }
  }

  #choose(court, startTime) {
    const length = this.#lengthPicker("hold-length");
    const hold = el("button", { type: "submit", class: "primary" }, "Hold this slot");
    const form = el(
      "form",
      {
        onsubmit: async (event) => {
          event.preventDefault();
          hold.disabled = true;
          const minutes = Number(length.select.value);
          try {
            const reply = await this.api.post("/api/realtime/attempt", {
              facilityId: this.facility.facilityId,
              courtId: court.courtId,
              startTime,
              endTime: plusMinutes(startTime, minutes),
              memberId: this.session.memberId,
              durationMinutes: minutes,
              idempotencyKey: crypto.randomUUID(),
            });
            const reservation = {
              reservationId: reply.reservationId,
              facilityId: this.facility.facilityId,
              courtId: court.courtId,
              startTime,
              endTime: plusMinutes(startTime, minutes),
              status: "held",
              holdExpiry: reply.holdExpiry,
              version: 1,
              payment: reply.payment,
            };
            this.events.held(reservation);
            this.showHold(reservation);
          } catch (error) {
            hold.disabled = false;
            this.events.failed(error);
          }
        },
      },
      el("p", {}, `${longDate(this.board.date)}, from ${timeOf(startTime, this.facility.timeZone)}`),
      length.field,
      this.#quote(court, startTime, length.select),
      el("div", { class: "actions" }, hold),
    );
    return form;
  }

  // At a facility with prices: what the chosen length costs, asked of the
  // core (GET /api/realtime/price) each time the length changes.
  #quote(court, startTime, select) {
    if (!this.facility.pricing) return null;
    const line = el("p", { class: "price", "data-testid": "quote", "aria-live": "polite" }, "");
    const ask = async () => {
      const minutes = Number(select.value);
      const query = new URLSearchParams({
        facilityId: this.facility.facilityId, courtId: court.courtId, startTime, endTime: plusMinutes(startTime, minutes),
      });
      try {
        const quote = await this.api.get(`/api/realtime/price?${query}`);
        if (Number(select.value) !== minutes) return; // the length changed meanwhile
        line.textContent = quote.free ? "Free for you." : `Price: ${money(quote.amount, quote.currency)}${quote.peak ? " (peak time)" : ""}.`;
      } catch {
        line.textContent = "";
      }
    };
    select.addEventListener("change", ask);
    ask();
    return line;
  }

  #waitlist(court, startTime, state) {
    const length = this.#lengthPicker("wait-length");
    const join = el("button", { type: "submit", class: "primary" }, "Join the waitlist");
    const mode = (value, text, checked) =>
      el("label", { class: "choice" }, el("input", { type: "radio", name: "wait-mode", value, checked }), ` ${text}`);
    const form = el(
      "form",
      {
        onsubmit: async (event) => {
          event.preventDefault();
          join.disabled = true;
          const minutes = Number(length.select.value);
          try {
            const reply = await this.api.post("/api/waitlist", {
              facilityId: this.facility.facilityId,
              memberId: this.session.memberId,
              courtId: court.courtId,
              earliestStart: startTime,
              latestEnd: plusMinutes(startTime, minutes),
              durationMinutes: minutes,
              mode: form.elements["wait-mode"].value,
            });
            this.events.joined(reply);
            this.#show("On the waitlist", el("p", {}, waitlistWords(reply)));
          } catch (error) {
            join.disabled = false;
            this.events.failed(error);
          }
        },
      },
      el("p", {}, `${state === "held" ? "Someone is holding" : "Someone has booked"} this slot (${timeOf(startTime, this.facility.timeZone)}). Join the waitlist and we will tell you if it frees up.`),
      length.field,
      el(
        "fieldset",
        {},
        el("legend", {}, "When it frees up"),
        mode("offer", "Offer it to me to accept", true),
        mode("auto_book", "Book it for me straight away", false),
      ),
      el("div", { class: "actions" }, join),
    );
    return form;
  }

  // The hold became a booking: the countdown stops and the panel says so.
  #booked(reservation) {
    clearInterval(this.#timer);
    this.events.confirmed(reservation);
    const court = this.facility.courts.find((c) => c.courtId === reservation.courtId);
    this.#show("Booked", [el("p", { role: "status" }, "Your court is booked."), ...this.#yours(reservation, court)]);
  }

  #yours(reservation, court) {
    return [
      el("p", {}, `${court.name}, ${spanOf(reservation.startTime, reservation.endTime, this.facility.timeZone)}`),
      el(
        "div",
        { class: "actions" },
        el("button", { type: "button", onclick: () => this.events.calendar(reservation) }, "Add to calendar"),
        el("button", { type: "button", class: "danger", onclick: () => this.events.cancel(reservation) }, "Cancel booking"),
      ),
    ];
  }

  async #confirm(reservation, button) {
    button.disabled = true;
    try {
      const reply = await this.api.post("/api/realtime/confirm", {
        facilityId: this.facility.facilityId,
        reservationId: reservation.reservationId,
      });
      this.#booked(reply.reservation);
    } catch (error) {
      button.disabled = error.code === "hold_expired";
      this.events.failed(error);
    }
  }

  async #release(reservation) {
    try {
      await this.api.post("/api/realtime/release", { facilityId: this.facility.facilityId, reservationId: reservation.reservationId });
      this.events.released(reservation.reservationId);
      this.close();
      this.events.say("Hold let go.");
    } catch (error) {
      this.events.failed(error);
    }
  }

  #lengthPicker(id) {
    const select = el("select", { id }, ...this.facility.durationsMinutes.map((minutes) => el("option", { value: minutes }, minutesWords(minutes))));
    return { select, field: el("p", {}, el("label", { for: id }, "Length "), select) };
  }

  #courtName(courtId) {
    return this.facility.courts.find((c) => c.courtId === courtId)?.name ?? courtId;
  }

  #show(title, content) {
    clearInterval(this.#timer);
    this.element.hidden = false;
    const close = el("button", { type: "button", class: "close", "aria-label": "Close the panel", onclick: () => this.close() }, "×");
    this.element.replaceChildren(el("h2", { id: "panel-title" }, title), close, ...[content].flat());
    this.element.scrollIntoView({ block: "nearest" });
    (this.element.querySelector("select, input, button.primary") ?? close).focus(); // keyboard users land in the panel
  }
}

// An amount in a currency's minor units, as money ("$40.00").
export function money(amount, currency) {
  try {
    const format = new Intl.NumberFormat(undefined, { style: "currency", currency: currency.toUpperCase() });
    return format.format(amount / 10 ** format.resolvedOptions().maximumFractionDigits);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function minutesWords(minutes) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} minutes`;
  return `${hours} hour${hours > 1 ? "s" : ""}${rest ? ` ${rest} minutes` : ""}`;
}

function waitlistWords(reply) {
  if (reply.promotion?.action === "auto_booked") return "A place was free, so it is booked for you. See My bookings.";
  if (reply.promotion?.action === "offered") return "A place is free now and is offered to you: accept it under Your waitlist.";
  return "You are on the waitlist. If the slot frees up you will see it under Your waitlist.";
}

