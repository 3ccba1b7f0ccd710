// wording.js: what the page says, in plain words: the label of each slot
// state and an API error turned into a sentence a member understands (never
// the raw JSON). The codes are the API's (docs/ERRORS.md).

// The states a board cell can be in, with the word shown in the cell.
export const SLOT_STATES = {
  available: "Free",
  held: "Held",
  booked: "Booked",
  "your-hold": "Your hold",
  yours: "Yours",
  closed: "Closed",
};

// A club rule (the error's `rule`) as the end of "This booking breaks a
// club rule: ...".
const RULES = {
  start_in_past: "that time has already started",
  booking_grid: "bookings must start on the club's time grid",
  duration: "that length of booking is not offered",
  opening_hours: "the club is closed for part of that time",
  party_size: "too many players for that court",
  blocked_period: "the court is closed for part of that time",
  booking_window: "that day is too far ahead to book yet",
  min_notice: "it starts too soon to book",
  max_active_reservations: "you already have as many upcoming bookings as a member may have",
  max_bookings_per_day: "you already have as many bookings that day as a member may have",
};

const ERRORS = {
  slot_unavailable: "Sorry, someone else just took that slot. Pick another time, or join the waitlist for it.",
  hold_expired: "Your hold ran out before you confirmed, so the slot was let go. Pick it again if it is still free.",
  rate_limited: "That is more than we can take at once (too many holds, waitlist places or requests). Wait a moment and try again.",
  unauthenticated: "Your sign-in has ended. Please sign in again.",
  forbidden: "That booking belongs to someone else.",
  not_found: "We could not find that. It may have been removed.",
  version_conflict: "That booking changed in the meantime. The list has been refreshed; please try again.",
  invalid_state: "That can no longer be done: the booking has changed in the meantime.",
  limit_exceeded: "The club has reached a limit for now. Please try again later.",
  idempotency_key_reused: "That request was already used for another booking. Please try again.",
  internal: "Something went wrong on our side. Please try again.",
  unavailable: "The club's bookings are briefly unavailable. Please try again in a moment.",
  payment_required: "This court has a price: pay for it to confirm the booking.",
  payment_provider_error: "The payment page could not be opened just now. Your hold is kept; please try Pay again.",
  payments_unavailable: "Paying online is not available at this club right now. Please ask at the desk.",
};

// The sentence for a failed request: `error` is {status, code, message,
// rule?, field?} as the API answered it, or {code: "network"} when the
// server could not be reached.
export function explain(error) {
  if (error.code === "network") return "We cannot reach the club's booking service. Check your connection and try again.";
  if (error.code === "rule_violation") {
    const rule = RULES[error.rule] ?? humanMessage(error.message);
    return `This booking breaks a club rule: ${rule}.`;
  }
  if (error.code === "invalid_field") return `Something in that request was not right (${error.field ?? "a field"}). Please check and try again.`;
  return ERRORS[error.code] ?? `That did not work: ${humanMessage(error.message)}.`;
}

// The server's message without a leading `code: ` and final full stop.
function humanMessage(message = "an unexpected answer") {
  return message.replace(/^[a-z_]+: /, "").replace(/\.$/, "");
}
