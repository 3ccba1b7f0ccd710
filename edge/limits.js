// limits.js: the edge's request limits (docs/LIMITS.md), counted in a
// facility object's memory: requests per member, messages per socket,
// sockets per facility. Memory only: a restarted or woken object starts
// counting afresh, which errs on the side of letting a request through.

// At most `limit` events per key within any `windowMs` (a sliding window).
export class RateLimiter {
  #limit;
  #windowMs;
  #events = new Map(); // key → times (ms) of the recent events, oldest first

  constructor(limit, windowMs) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  // Counts an event for `key` at `now`; false when it is over the limit
  // (and then not counted). A key keeps at most `limit` times, oldest
  // first: a full window lets an event in only once its oldest is out.
  allow(key, now) {
    let times = this.#events.get(key);
    if (times === undefined) {
      if (this.#events.size >= 10_000) this.#forgetIdle(now);
      times = [];
      this.#events.set(key, times);
    }
    if (times.length >= this.#limit) {
      if (times[0] > now - this.#windowMs) return false;
      times.shift();
    }
    times.push(now);
    return true;
  }

  #forgetIdle(now) {
    for (const [key, times] of this.#events) {
      if (times.at(-1) <= now - this.#windowMs) this.#events.delete(key);
    }
  }
}

// A positive integer from an environment variable, else `fallback`.
export function envInteger(value, fallback) {
  const number = Number(value);
  return Number.isSafeInteger(number) && number > 0 ? number : fallback;
}

export const LIMITS = {
  memberRequests: 30, // per member per facility per window
  memberWindowMs: 10_000,
  socketMessages: 20, // per socket per second
  socketWindowMs: 1000,
  socketMessageBytes: 16 * 1024,
  socketsPerFacility: 1000,
};
