// facility.js: FacilityObject, the Durable Object of one facility. It owns
// the facility's core instance and feeds it commands stamped with the time
// and fresh ids; it logs every command that changed the state before the
// reply leaves, keeps the alarm on the core's next deadline, and survives a
// trap by replaying its log into a fresh instance. No booking rule lives
// here: the core decides, the object only carries bytes and keeps them.
import { DurableObject } from "cloudflare:workers";
import wasmModule from "../build/wasi/courtside-wasi.wasm";
import { Core, encodeCommand } from "../glue/core.js";
import { upsertFacility } from "../glue/directory.js";
import { newReservationId } from "../glue/ids.js";
import { CommandLog } from "../glue/log.js";

const RESTORED = {
  status: 500,
  reply: {
    success: false,
    error: "internal",
    message: "the facility hit an internal error and was restored; the request was not applied",
  },
};

export class FacilityObject extends DurableObject {
  #log;
  #core;
  #deadline = null; // the core's next deadline (ms), or null
  #alarm = null; // the time the alarm is set for (ms), or null

  constructor(ctx, env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(() => this.onStart());
  }

  // Start: rebuild the facility from its log, then arm the alarm.
  async onStart() {
    this.#log = new CommandLog(this.ctx.storage.sql);
    this.#alarm = await this.ctx.storage.getAlarm();
    this.#restore();
    await this.#arm();
  }

  // A request, by RPC from the Worker: `op` with the URL's `params` (always
  // with facilityId) and the raw request `body`. Returns {status, reply, seq}.
  // The time is the wall clock: the core never lets it go backwards.
  async execute(op, params, body) {
    const now = Date.now();
    const newId = op === "attempt" ? newReservationId(params.facilityId) : undefined;
    const output = await this.#commit(encodeCommand({ op, now, newId, params }, body));
    if (output === null) return RESTORED;
    // Also after an unchanged configure, so a retried PUT repairs a failed write.
    if (op === "configure" && output.status === 200) await upsertFacility(this.env.DB, output.reply, now);
    return { status: output.status, reply: output.reply, seq: output.seq };
  }

  // The deadline came: let the core expire whatever is due.
  async alarm() {
    this.#alarm = null; // a running alarm is no longer set
    const output = await this.#commit(encodeCommand({ op: "tick", now: Date.now() }));
    if (output === null) throw new Error("the tick trapped; the runtime retries the alarm");
  }

  // Runs one command, logs it if it changed the state and re-arms the alarm.
  // If the core fails (a trap), rebuilds it from the log and returns null:
  // the command was not applied and is not logged.
  async #commit(command) {
    let output;
    try {
      output = this.#core.runJson(command);
    } catch (error) {
      console.error("the facility's core failed; restoring it from the log", error);
      this.#restore();
      return null;
    }
    if (output.changed) this.#log.append(command);
    this.#deadline = output.deadline;
    await this.#arm();
    return output;
  }

  // A fresh core with every logged command replayed into it.
  #restore() {
    this.#core = new Core(wasmModule);
    this.#deadline = null;
    this.#log.forEach((command) => {
      this.#deadline = this.#core.runJson(command).deadline;
    });
  }

  // Sets the alarm to the core's deadline, unless it is set there already.
  async #arm() {
    const deadline = this.#deadline;
    if (deadline === this.#alarm) return;
    this.#alarm = deadline;
    if (deadline === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(deadline);
  }
}
