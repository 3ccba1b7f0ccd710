// live.js: the facility's WebSocket (docs/REALTIME.md). Owns connecting,
// the connection's state for the indicator, reconnecting with back-off
// (0.5 s doubling to 15 s, with jitter) and the sequence numbers: every
// change has the next `seq`, so a change that skips ahead means one was
// missed and the page asks for the whole day again ({"type":"sync"}).
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15_000;
const PING_EVERY_MS = 30_000;
const CHANGES = new Set(["slot_pending", "slot_reserved", "slot_released"]);

export class LiveAvailability {
  #socket = null;
  #seq = null;
  #failures = 0;
  #retryTimer = null;
  #pingTimer = null;
  #stopped = false;

  // `handlers`: onState(availability) for a whole day, onChange(message)
  // for one slot_* change in order, onFacilityUpdated(), onStatus(state,
  // retryInMs?) with state "connecting" | "live" | "reconnecting".
  constructor(facilityId, date, handlers) {
    this.facilityId = facilityId;
    this.date = date;
    this.handlers = handlers;
  }

  start() {
    this.#stopped = false;
    this.#connect();
    addEventListener("online", () => this.#retryNow());
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#pingTimer);
    this.#socket?.close();
  }

  // Watch another day: the server answers with its initial_state.
  showDate(date) {
    this.date = date;
    this.resync();
  }

  // Ask for the watched day's whole state again.
  resync() {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify({ type: "sync", date: this.date }));
  }

  #connect() {
    const query = new URLSearchParams({ facilityId: this.facilityId, date: this.date });
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}/api/realtime/websocket?${query}`);
    this.#socket = socket;
    this.handlers.onStatus(this.#failures === 0 ? "connecting" : "reconnecting");
    socket.addEventListener("open", () => {
      this.#failures = 0;
      clearInterval(this.#pingTimer);
      this.#pingTimer = setInterval(() => socket.send('{"type":"ping"}'), PING_EVERY_MS);
    });
    socket.addEventListener("message", (event) => this.#receive(JSON.parse(event.data)));
    socket.addEventListener("close", () => {
      if (this.#socket !== socket) return;
      clearInterval(this.#pingTimer);
      if (!this.#stopped) this.#retryLater();
    });
  }

  #receive(message) {
    if (message.type === "initial_state") {
      this.#seq = message.seq;
      this.handlers.onStatus("live");
      this.handlers.onState(message.availability);
      return;
    }
    if (!CHANGES.has(message.type) && message.type !== "facility_updated") return; // pong, error frames
    if (this.#seq === null || message.seq <= this.#seq) return; // already in the state we have
    if (message.seq > this.#seq + 1) {
      this.resync(); // a gap: something was missed
      return;
    }
    this.#seq = message.seq;
    if (message.type === "facility_updated") this.handlers.onFacilityUpdated();
    else this.handlers.onChange(message);
  }

  #retryLater() {
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.#failures);
    const jittered = Math.round(delay / 2 + Math.random() * (delay / 2));
    this.#failures += 1;
    this.#seq = null;
    this.handlers.onStatus("reconnecting", jittered);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#connect(), jittered);
  }

  #retryNow() {
    if (this.#stopped || this.#socket?.readyState <= WebSocket.OPEN) return; // connecting or open
    clearTimeout(this.#retryTimer);
    this.#connect();
  }
}
