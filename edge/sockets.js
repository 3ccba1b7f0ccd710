// sockets.js: a facility object's WebSockets, through the hibernation API
// (ctx.acceptWebSocket), so idle watchers cost nothing. Owns accepting a
// socket with its state (serializeAttachment: who is connected and which
// day they watch, and whether they hear of that day only; a copy is kept
// while the object is awake, so a message does not read it again), the edge's
// limits on incoming messages (size, rate) with their close codes, the
// ping/pong auto-response and sending JSON frames, each change to the
// sockets that hear of it. docs/REALTIME.md describes the protocol.
import { RateLimiter } from "./limits.js";

const encoder = new TextEncoder();
export const PING = '{"type":"ping"}';
export const PONG = '{"type":"pong"}';

export const CLOSE_UNSUPPORTED = 1003; // a binary message
export const CLOSE_POLICY = 1008; // over the message rate
export const CLOSE_TOO_BIG = 1009; // over the message size

export class Sockets {
  #ctx;
  #limits;
  #rates = new WeakMap(); // socket → RateLimiter, while the object is awake
  // socket → its state (frozen), while the object is awake: the attachment
  // is read once after a wake-up, not on every message.
  #states = new WeakMap();
  // Who hears of what, from the sockets' states, built on the first
  // broadcast after the object woke: {all: sockets of scope all, days: day
  // → sockets of scope day watching it, dayOf: socket → its day or null}.
  #audience = null;

  // `limits`: {messageBytes, messages, windowMs}.
  constructor(ctx, limits) {
    this.#ctx = ctx;
    this.#limits = limits;
  }

  // `{"type":"ping"}` is answered by the runtime without waking the object.
  enableAutoPong() {
    this.#ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  all() {
    return this.#ctx.getWebSockets();
  }

  count() {
    return this.all().length;
  }

  // A new hibernatable socket with `state` attached; returns the client end.
  accept(state) {
    const { 0: client, 1: server } = new WebSocketPair();
    this.#ctx.acceptWebSocket(server);
    this.#keep(server, state);
    if (this.#audience !== null) this.#join(server, state);
    return { client, server };
  }

  state(ws) {
    let state = this.#states.get(ws);
    if (state === undefined) {
      state = Object.freeze(ws.deserializeAttachment() ?? {});
      this.#states.set(ws, state);
    }
    return state;
  }

  setState(ws, state) {
    this.#keep(ws, state);
    if (this.#audience !== null) {
      this.#leave(ws);
      this.#join(ws, state);
    }
  }

  // A socket closed: it hears of nothing more.
  forget(ws) {
    this.#states.delete(ws);
    if (this.#audience !== null) this.#leave(ws);
  }

  // The attachment survives hibernation; the copy kept here does not.
  #keep(ws, state) {
    ws.serializeAttachment(state);
    this.#states.set(ws, Object.freeze({ ...state }));
  }

  send(ws, value) {
    try {
      ws.send(typeof value === "string" ? value : JSON.stringify(value));
    } catch {
      this.forget(ws); // closing or closed: it will hear nothing more
    }
  }

  // Sends each message, in order, to the sockets that hear of it: those of
  // scope all, and those of scope day whose `day` is the message's `date`
  // (every socket, for a message with no date). Message by message, so a
  // socket gets its messages in their order. (A socket that fails to take
  // one leaves the sets being walked, which a Set and a Map allow.)
  broadcast(messages) {
    if (messages.length === 0) return;
    const { all, days } = this.#audienceNow();
    for (const message of messages) {
      const text = JSON.stringify(message);
      for (const ws of all) this.send(ws, text);
      if (message.date !== undefined) {
        for (const ws of days.get(message.date) ?? []) this.send(ws, text);
      } else {
        for (const watchers of days.values()) for (const ws of watchers) this.send(ws, text);
      }
    }
  }

  #audienceNow() {
    if (this.#audience === null) {
      this.#audience = { all: new Set(), days: new Map(), dayOf: new Map() };
      for (const ws of this.all()) this.#join(ws, this.state(ws));
    }
    return this.#audience;
  }

  #join(ws, state) {
    const { all, days, dayOf } = this.#audience;
    const day = state.scope === "day" ? state.day : null;
    dayOf.set(ws, day);
    if (day === null) {
      all.add(ws);
    } else {
      if (!days.has(day)) days.set(day, new Set());
      days.get(day).add(ws);
    }
  }

  #leave(ws) {
    const { all, days, dayOf } = this.#audience;
    const day = dayOf.get(ws);
    dayOf.delete(ws);
    all.delete(ws);
    if (day !== undefined && day !== null) {
      days.get(day)?.delete(ws);
      if (days.get(day)?.size === 0) days.delete(day);
    }
  }

  // An incoming message checked against the limits: the parsed JSON object,
  // or null after closing the socket (too big, too fast, binary) or
  // answering an error frame (not a JSON object).
  read(ws, message) {
    const size = typeof message === "string" ? byteLength(message, this.#limits.messageBytes) : message.byteLength;
    if (size > this.#limits.messageBytes) {
      return this.#close(ws, CLOSE_TOO_BIG, `message over ${this.#limits.messageBytes} bytes`);
    }
    if (!this.#rate(ws).allow("messages", Date.now())) return this.#close(ws, CLOSE_POLICY, "rate limited");
    if (typeof message !== "string") return this.#close(ws, CLOSE_UNSUPPORTED, "binary messages are not supported");
    let value;
    try {
      value = JSON.parse(message);
    } catch {
      this.send(ws, errorFrame(400, "invalid_json", "the message is not valid JSON"));
      return null;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value) || typeof value.type !== "string") {
      this.send(ws, errorFrame(400, "invalid_field", "a message is a JSON object with a string `type`", "type"));
      return null;
    }
    return value;
  }

  #rate(ws) {
    let limiter = this.#rates.get(ws);
    if (limiter === undefined) {
      limiter = new RateLimiter(this.#limits.messages, this.#limits.windowMs);
      this.#rates.set(ws, limiter);
    }
    return limiter;
  }

  #close(ws, code, reason) {
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
    return null;
  }
}

// `{"type":"error", status, error, message, field?}`: a message that could
// not be handled (not a command reply, which carries its own status).
export function errorFrame(status, error, message, field) {
  return field === undefined ? { type: "error", status, error, message } : { type: "error", status, error, message, field };
}

// The UTF-8 length of `text`, counting no further than just past `limit`.
function byteLength(text, limit) {
  return text.length > limit ? text.length : encoder.encode(text).length;
}
