// facility.js: FacilityObject, the Durable Object of one facility. It owns
// the facility's core instance and feeds it commands stamped with the time,
// fresh ids and the caller's actor. A command that changed the state is
// logged in one storage transaction before the reply or any broadcast
// leaves (glue/store.js); its effects join the outbox, which is then
// drained to D1 (glue/projection.js), retried from the alarm with backoff.
// Every SNAPSHOT_EVERY commands a snapshot replaces the log behind it;
// start-up restores the snapshot and replays the tail, which also brings
// back the effects D1 did not have yet. The alarm is the earlier of
// the core's deadline and the next drain; the drain also puts the
// notification effects on NOTIFICATION_QUEUE (glue/producer.js) and the
// refunds the core asked for to Stripe (edge/refunds.js). WebSockets
// (edge/sockets.js) get every broadcast in commit order. No booking rule lives here: the core
// decides, the object carries bytes and keeps them.
//
// Lifecycle hooks: onStart (construction and wake-up), onRequest (a command
// by RPC from the Worker), onConnect / onMessage / onClose (WebSockets),
// onAlarm (deadlines and drain retries).
import { DurableObject } from "cloudflare:workers";
import wasmModule from "../build/wasi/courtside-wasi.wasm";
import { Core, encodeCommand, hashHex } from "../glue/core.js";
import { rebuildSource } from "../glue/directory.js";
import { OutboxDrain } from "../glue/drain.js";
import { newId } from "../glue/ids.js";
import { sendNotices } from "../glue/producer.js";
import { writeRows } from "../glue/projection.js";
import { rebuild } from "../glue/rebuild.js";
import { FacilityStore } from "../glue/store.js";
import { jsonResponse } from "./http.js";
import { sendRefunds } from "./refunds.js";
import { LIMITS, RateLimiter, envInteger } from "./limits.js";
import { isSessionOpen } from "./sessions.js";
import { Sockets, errorFrame } from "./sockets.js";

// The header the Worker uses to hand a WebSocket's verified actor to the
// object (it removes any such header a client sent).
export const ACTOR_HEADER = "X-Courtside-Actor";

const NEEDS_NEW_ID = new Set(["attempt", "book", "block", "waitlist_join"]);
const SOCKET_ACTIONS = new Set([
  "attempt", "confirm", "release", "cancel", "reschedule", "waitlist_join", "waitlist_accept", "waitlist_decline", "waitlist_leave",
]);
const SNAPSHOT_EVERY = 1000; // logged commands; env SNAPSHOT_EVERY
const CLOCK_OFFSET_KEY = "debugClockOffsetMs"; // DEVELOPMENT ONLY (setClockOffset)
const encoder = new TextEncoder();

const failure = (status, error, message) => ({ status, reply: { success: false, error, message } });
const RESTORED = failure(500, "internal", "the facility hit an internal error and was restored; the request was not applied");
const UNREADABLE = failure(500, "internal", "the facility's stored state cannot be read; nothing was changed");
const RATE_LIMITED = failure(429, "rate_limited", "too many requests from this member; slow down");
const NOT_CONFIGURED = failure(404, "not_found", "facility not found");

export class FacilityObject extends DurableObject {
  #store;
  #core = null;
  #broken = null; // the error that made the stored state unreadable, or null
  #facilityId = null;
  #deadline = null; // the core's next deadline (ms), or null
  #alarm = null; // the time the alarm is set for (ms), or null
  #drain; // the outbox's way to D1 (glue/drain.js)
  #members;
  #sockets;
  #snapshotEvery;
  #socketsMax;
  #clockOffsetMs = 0; // DEVELOPMENT ONLY: added to the core's `now` (setClockOffset); 0 in production

  constructor(ctx, env) {
    super(ctx, env);
    this.#snapshotEvery = envInteger(env.SNAPSHOT_EVERY, SNAPSHOT_EVERY);
    this.#socketsMax = envInteger(env.MAX_SOCKETS_PER_FACILITY, LIMITS.socketsPerFacility);
    this.#members = new RateLimiter(LIMITS.memberRequests, LIMITS.memberWindowMs);
    this.#sockets = new Sockets(ctx, {
      messageBytes: LIMITS.socketMessageBytes,
      messages: LIMITS.socketMessages,
      windowMs: LIMITS.socketWindowMs,
    });
    ctx.blockConcurrencyWhile(() => this.onStart());
  }

  // ---- the runtime's entry points, each handing over to a hook ----

  // RPC from the Worker: `op` with the URL's `params` (always with
  // facilityId), the raw request `body` and the caller's `actor`
  // ({memberId, role}, or undefined for a trusted host call).
  // Returns {status, reply, seq}.
  async execute(op, params, body, actor) {
    return this.onRequest(op, params, body, actor);
  }

  // Only WebSocket upgrades reach the object by fetch.
  async fetch(request) {
    return this.onConnect(request);
  }

  async webSocketMessage(ws, message) {
    await this.onMessage(ws, message);
  }

  async webSocketClose(ws, code, reason) {
    this.onClose(ws, code, reason);
  }

  async webSocketError(ws) {
    this.onClose(ws, 1011, "socket error");
  }

  async alarm() {
    await this.onAlarm();
  }

  // ---- lifecycle hooks ----

  // Start (and every wake-up): restore the latest snapshot, replay the log
  // after it, then arm the alarm; a waiting outbox is drained at once.
  async onStart() {
    this.#sockets.enableAutoPong();
    this.#store = new FacilityStore(this.ctx.storage);
    this.#facilityId = this.#store.facilityId;
    this.#alarm = await this.ctx.storage.getAlarm();
    if (this.env.ENVIRONMENT === "development") this.#clockOffsetMs = (await this.ctx.storage.get(CLOCK_OFFSET_KEY)) ?? 0;
    this.#load(); // the replay puts the effects still waiting back in the outbox
    this.#drain = new OutboxDrain(this.#store.outbox, (rows) => this.#writeRows(rows), (error) => {
      console.error(`facility ${this.#facilityId}: draining the outbox to D1 failed; retrying later`, error);
    });
    await this.#arm();
  }

  async onRequest(op, params, body, actor) {
    this.#remember(params.facilityId);
    if (actor !== undefined && !this.#members.allow(actor.memberId, Date.now())) return RATE_LIMITED;
    return this.#run(op, params, body, actor);
  }

  // A WebSocket upgrade, forwarded by the Worker with the verified actor
  // (if the client gave a token). Refused with an HTTP error before the
  // upgrade when the facility is full or the day cannot be shown.
  async onConnect(request) {
    const url = new URL(request.url);
    const facilityId = url.searchParams.get("facilityId");
    const date = url.searchParams.get("date");
    const scope = url.searchParams.get("scope") ?? "all"; // checked by the Worker
    this.#remember(facilityId);
    if (this.#sockets.count() >= this.#socketsMax) {
      const { status, reply } = failure(429, "rate_limited", `this facility has ${this.#socketsMax} sockets open, its limit`);
      return jsonResponse(status, reply);
    }
    const initial = await this.#availability(facilityId, date);
    if (initial.status !== 200) return jsonResponse(initial.status, initial.reply);
    const actor = JSON.parse(request.headers.get(ACTOR_HEADER) ?? "null");
    const { client, server } = this.#sockets.accept({ facilityId, date, scope, day: initial.reply.date, ...actor });
    this.#sockets.send(server, initialState(initial));
    return new Response(null, { status: 101, webSocket: client });
  }

  async onMessage(ws, message) {
    const value = this.#sockets.read(ws, message);
    if (value === null) return;
    const state = this.#sockets.state(ws);
    if (value.type === "ping") this.#sockets.send(ws, { type: "pong" });
    else if (value.type === "sync") await this.#resync(ws, state, value);
    else if (value.type === "command") await this.#socketCommand(ws, state, value);
    else this.#sockets.send(ws, errorFrame(400, "invalid_field", "type must be ping, sync or command", "type"));
  }

  onClose(ws, code) {
    this.#sockets.forget(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // already closed
    }
  }

  // The alarm: the core's deadline came (expire what is due), and/or the
  // outbox waits to be drained.
  async onAlarm() {
    this.#alarm = null; // a running alarm is no longer set
    if (this.#broken !== null) return;
    const now = this.#now();
    if (this.#deadline !== null && this.#deadline <= now) {
      const output = await this.#commit(encodeCommand({ op: "tick", now }), now);
      if (output === null) throw new Error("the tick failed; the runtime retries the alarm");
    }
    if (this.#drain.due !== null && this.#drain.due <= Date.now()) await this.#drain.run();
    await this.#arm();
  }

  // ---- operations of the edge itself, by RPC from the Worker ----

  // {success, facilityId, seq, stateHash, logLength, snapshotSeq, outbox}.
  async state(facilityId) {
    this.#remember(facilityId);
    const tick = await this.#tickIfConfigured();
    if (tick.status !== 200) return tick;
    const snapshot = this.#store.snapshots.info();
    return {
      status: 200,
      reply: {
        success: true,
        facilityId,
        seq: tick.seq,
        stateHash: hashHex(this.#core.stateHash()),
        logLength: this.#store.logLength,
        snapshotSeq: snapshot?.seq ?? null,
        outbox: this.#store.outbox.size(),
      },
    };
  }

  // DEVELOPMENT ONLY (POST /api/debug/clock; the Worker routes it only when
  // ENVIRONMENT is "development", and this refuses otherwise): from now on
  // the core's `now` is Date.now() + offsetMs, so tests can reach reminders
  // and no-shows without waiting; a tick runs at once. Production never has
  // an offset.
  async setClockOffset(facilityId, offsetMs) {
    if (this.env.ENVIRONMENT !== "development") return NOT_CONFIGURED;
    this.#remember(facilityId);
    this.#clockOffsetMs = offsetMs;
    await this.ctx.storage.put(CLOCK_OFFSET_KEY, offsetMs);
    const tick = await this.#tickIfConfigured();
    if (tick.status !== 200) return tick;
    return { status: 200, reply: { success: true, facilityId, offsetMs, now: new Date(this.#now()).toISOString() } };
  }

  // The cron sweep's nudge (edge/sweep.js): the projection says this
  // facility has work past due (a reminder, a hold, a no-show check), as if
  // its alarm had been lost. Ticks, drains what the outbox holds and re-arms
  // the alarm. Harmless when nothing is due.
  async nudge(facilityId) {
    this.#remember(facilityId);
    const tick = await this.#tickIfConfigured();
    if (tick.status !== 200) return tick;
    if (this.#store.outbox.size() > 0) await this.#drain.run();
    await this.#arm();
    return { status: 200, reply: { success: true, facilityId, seq: tick.seq, outbox: this.#store.outbox.size() } };
  }

  // Snapshots the facility now and trims the log behind it.
  async snapshot(facilityId) {
    this.#remember(facilityId);
    const tick = await this.#tickIfConfigured();
    if (tick.status !== 200) return tick;
    const bytes = this.#core.snapshot();
    if (bytes === null) return failure(409, "limit_exceeded", "the facility is too large for a snapshot; it keeps its log");
    const snapshotSeq = this.#store.snapshot({ bytes, deadline: this.#deadline }, this.#now());
    return { status: 200, reply: { success: true, facilityId, snapshotSeq, bytes: bytes.length, logLength: 0 } };
  }

  // Rebuilds the facility from the D1 projection (POST /api/realtime/sync):
  // its settings and its confirmed bookings that have not ended go into a
  // fresh core (configure, then import each), which replaces the stored
  // state in one transaction. Nothing else runs meanwhile.
  async sync(facilityId, actor) {
    this.#remember(facilityId);
    return this.ctx.blockConcurrencyWhile(async () => {
      try {
        return await this.#rebuildFromProjection(facilityId, actor);
      } catch (error) {
        console.error(`facility ${facilityId}: the rebuild failed; the state is as it was`, error);
        return failure(500, "internal", "the rebuild failed; nothing was changed");
      }
    });
  }

  async #rebuildFromProjection(facilityId, actor) {
    // D1 first catches up with everything logged here, or nothing happens.
    if (!(await this.#drain.flush())) {
      return failure(503, "unavailable", "the projection is behind (its writes are failing); nothing was changed, try again later");
    }
    // The rebuilt facility carries its seq on past the current one (unknown
    // only when the stored state is unreadable), so watchers' ETags stay true.
    const current = this.#broken === null ? await this.#tickIfConfigured() : null;
    const seqFloor = (current?.status === 200 ? current.seq : 0) + 1;
    const now = this.#now();
    const source = await rebuildSource(this.env.DB, facilityId, now);
    if (source.settings === null) return failure(404, "not_found", `the projection has no settings for facility ${facilityId}`);
    const rebuilt = rebuild(wasmModule, facilityId, actor, source, now, seqFloor);
    if (rebuilt.error) return rebuilt.error;
    const bytes = rebuilt.core.snapshot();
    this.#store.replace(rebuilt.steps, bytes === null ? null : { bytes, deadline: rebuilt.deadline }, now, facilityId);
    this.#core = rebuilt.core;
    this.#broken = null;
    this.#deadline = rebuilt.deadline;
    this.#drainSoon(Date.now());
    await this.#resyncAll();
    await this.#arm();
    return {
      status: 200,
      reply: {
        success: true,
        facilityId,
        found: { reservations: source.reservations.length },
        imported: rebuilt.imported,
        skipped: rebuilt.skipped,
      },
    };
  }

  // ---- commands ----

  // Runs one command for the caller; returns {status, reply, seq}.
  async #run(op, params, body, actor) {
    if (this.#broken !== null) return UNREADABLE;
    const now = this.#now();
    const newIdValue = NEEDS_NEW_ID.has(op) ? newId(params.facilityId, now) : undefined;
    const output = await this.#commit(encodeCommand({ op, now, newId: newIdValue, actor, params }, body), now);
    if (output === null) return RESTORED;
    return { status: output.status, reply: output.reply, seq: output.seq };
  }

  // Runs one command. If it changed the state, logs it (and a snapshot
  // when one is due) before anything leaves, adds its effects to the
  // outbox, starts the drain, and broadcasts. A core failure (a trap) or a
  // storage failure rebuilds the core from storage and returns null:
  // nothing was applied.
  async #commit(command, now) {
    let output;
    try {
      output = this.#core.runJson(command);
      if (output.changed) {
        this.#store.record({
          command, at: now, effects: output.effects, snapshot: this.#snapshotIfDue(output), facilityId: this.#facilityId,
        });
      }
    } catch (error) {
      console.error("the facility's core or storage failed; restoring it from storage", error);
      this.#load();
      return null;
    }
    if (output.effects.length > 0) this.#drainSoon(Date.now());
    this.#deadline = output.deadline;
    this.#sockets.broadcast(output.broadcasts);
    await this.#arm();
    return output;
  }

  // The snapshot to write with the command being logged, when
  // SNAPSHOT_EVERY commands will be logged with it; else null. A failed
  // snapshot is only logged: the command is durable without it.
  #snapshotIfDue(output) {
    if (this.#store.logLength + 1 < this.#snapshotEvery) return null;
    try {
      const bytes = this.#core.snapshot();
      if (bytes === null) console.warn(`facility ${this.#facilityId} is too large for a snapshot; the log keeps growing`);
      return bytes === null ? null : { bytes, deadline: output.deadline };
    } catch (error) {
      console.error("taking a snapshot failed; the log keeps growing", error);
      return null;
    }
  }

  // Restores the core from storage: the latest snapshot, then the log
  // after it, which puts the effects still waiting for D1 back in the
  // outbox. If the stored state cannot be read, says so loudly and keeps
  // answering 500 rather than serving a facility that lost data.
  #load() {
    try {
      const core = new Core(wasmModule);
      let deadline = null;
      let after = 0;
      const snapshot = this.#store.snapshots.latest();
      if (snapshot !== null) {
        if (!core.restore(snapshot.bytes)) throw new Error(`snapshot ${snapshot.seq} is malformed`);
        ({ seq: after, deadline } = snapshot);
      }
      const output = this.#store.replay(after, (command) => core.run(command));
      if (output !== null) deadline = JSON.parse(output).deadline;
      this.#core = core;
      this.#deadline = deadline;
      this.#broken = null;
    } catch (error) {
      console.error(`FACILITY ${this.#facilityId}: ITS STORED STATE CANNOT BE RESTORED; answering 500 until repaired`, error);
      this.#core = null;
      this.#deadline = null;
      this.#broken = error;
    }
  }

  // A tick (so reads see expiry applied), or 404 for a facility never configured.
  async #tickIfConfigured() {
    if (this.#store.lastSeq() === 0) return NOT_CONFIGURED;
    return this.#run("tick", {}, undefined, undefined);
  }

  // The facility's id, from the first request that names it (the object's
  // name); stored with the first command it logs.
  #remember(facilityId) {
    if (this.#facilityId === null && facilityId) this.#facilityId = facilityId;
  }

  // ---- WebSockets ----

  async #availability(facilityId, date) {
    return this.#run("availability", date === null || date === undefined ? { facilityId } : { facilityId, date });
  }

  // {"type":"sync","date"?}: a fresh initial_state (and the day to watch).
  async #resync(ws, state, { date = null }) {
    if (date !== null && typeof date !== "string") {
      this.#sockets.send(ws, errorFrame(400, "invalid_field", "date must be a string YYYY-MM-DD", "date"));
      return;
    }
    const initial = await this.#availability(state.facilityId, date);
    if (initial.status !== 200) {
      this.#sockets.send(ws, { type: "error", status: initial.status, ...initial.reply });
      return;
    }
    this.#sockets.setState(ws, { ...state, date, day: initial.reply.date });
    this.#sockets.send(ws, initialState(initial));
  }

  // Every socket gets a fresh initial_state (after a rebuild).
  async #resyncAll() {
    for (const ws of this.#sockets.all()) {
      const state = this.#sockets.state(ws);
      const initial = await this.#availability(state.facilityId, state.date);
      if (initial.status === 200) this.#sockets.send(ws, initialState(initial));
    }
  }

  // {"type":"command","requestId":R,"command":{"action", ...fields}}: the
  // HTTP endpoint's command, with its rules, limits and errors, answered as
  // {"type":"reply","requestId":R,"status":S,"body":{...}}.
  async #socketCommand(ws, state, { requestId, command }) {
    if (!(typeof requestId === "string" && requestId.length <= 64) && !Number.isSafeInteger(requestId)) {
      this.#sockets.send(ws, errorFrame(400, "invalid_field", "requestId must be a string of up to 64 characters or an integer", "requestId"));
      return;
    }
    const reply = ({ status, reply: body }) => this.#sockets.send(ws, { type: "reply", requestId, status, body });
    if (state.memberId === undefined) {
      reply(failure(401, "unauthenticated", "commands need a session: connect with ?token=TOKEN"));
      return;
    }
    if (state.exp <= Date.now() / 1000 || !(await isSessionOpen(this.env.SESSIONS, { sid: state.sid, sub: state.memberId }, this.env.SESSION_CACHE_SECONDS))) {
      reply(failure(401, "unauthenticated", "the session has expired or was signed out"));
      return;
    }
    if (command === null || typeof command !== "object" || Array.isArray(command) || !SOCKET_ACTIONS.has(command.action)) {
      const { status, reply: body } = failure(400, "invalid_field", `command.action must be one of ${[...SOCKET_ACTIONS].join(", ")}`);
      reply({ status, reply: { ...body, field: "command.action" } });
      return;
    }
    const { action, ...fields } = command;
    const body = encoder.encode(JSON.stringify(fields));
    reply(await this.onRequest(action, { facilityId: state.facilityId }, body, { memberId: state.memberId, role: state.role }));
  }

  // ---- the outbox drain and the alarm ----

  // After a commit with effects: drain them now (glue/drain.js); the alarm
  // follows the drain's next due time.
  #drainSoon(now) {
    const run = this.#drain.soon(now);
    if (run !== null) this.ctx.waitUntil?.(run.then(() => this.#arm()).catch((error) => console.error(error)));
  }

  // One D1 batch of outbox rows, then its notices onto the queue, then its
  // refunds to Stripe (edge/refunds.js) (before the drain removes the rows;
  // a failure of any keeps them; each step is idempotent).
  // OUTBOX_DRAIN=off (development only) makes every batch fail, as if D1
  // were down.
  async #writeRows(rows) {
    if (this.env.ENVIRONMENT === "development" && this.env.OUTBOX_DRAIN === "off") {
      throw new Error("draining is switched off (OUTBOX_DRAIN=off)");
    }
    await writeRows(this.env.DB, this.#facilityId, rows);
    await sendNotices(this.env.NOTIFICATION_QUEUE, this.#facilityId, rows);
    await sendRefunds(this.env, this.#facilityId, rows);
  }

  // The time the core is given: the real time, plus the development-only
  // clock offset (0 in production).
  #now() {
    return Date.now() + this.#clockOffsetMs;
  }

  // Sets the alarm to the earlier of the core's deadline (in real time: less
  // the development-only clock offset) and the next drain, unless it is set
  // there already. ALARMS=off (development only) never sets it, as if every
  // alarm were lost (tests of the cron sweep's nudge).
  async #arm() {
    if (this.env.ENVIRONMENT === "development" && this.env.ALARMS === "off") return;
    const deadline = this.#deadline === null ? null : this.#deadline - this.#clockOffsetMs;
    const drain = this.#drain.due;
    const due = deadline === null ? drain : drain === null ? deadline : Math.min(deadline, drain);
    if (due === this.#alarm) return;
    this.#alarm = due;
    if (due === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(due);
  }
}

// The message a socket gets on connect and on every re-sync.
function initialState({ seq, reply }) {
  return { type: "initial_state", seq, availability: reply };
}
