// store.js: everything a facility keeps in its Durable Object's storage,
// and the transactions that keep it consistent: the command log, the
// outbox of effects and the latest snapshot (glue/log.js, outbox.js,
// snapshots.js), plus a little metadata (the facility's id). Each change is
// one `transactionSync`: a command (and the snapshot when one is due, with
// the effects still waiting for D1 whose log rows it trims), a snapshot
// with the log's trim, a whole rebuild. Takes `ctx.storage`.
import { CommandLog } from "./log.js";
import { commandNow } from "./core.js";
import { Outbox, after } from "./outbox.js";
import { Snapshots } from "./snapshots.js";

export class FacilityStore {
  #storage;
  #sql;
  #logLength;
  #facilityIdStored;

  constructor(storage) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.log = new CommandLog(this.#sql);
    this.snapshots = new Snapshots(this.#sql);
    this.outbox = new Outbox(this.#sql, () => this.lastSeq());
    this.#sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    this.#logLength = this.log.length();
    this.#facilityIdStored = this.facilityId !== null;
  }

  // The facility's id, stored with its first logged command (null before).
  get facilityId() {
    return this.#sql.exec("SELECT value FROM meta WHERE key = 'facilityId'").toArray()[0]?.value ?? null;
  }

  // Commands logged since the latest snapshot.
  get logLength() {
    return this.#logLength;
  }

  // Logs a command that changed the state, in one transaction, and adds its
  // effects to the outbox (in memory: the log brings them back). With
  // `snapshot` ({bytes, deadline}, the state after this command) also
  // writes it and trims the log, and the effects still waiting go to the
  // outbox table in the same transaction. The first command also stores
  // `facilityId`. Returns the command's log seq.
  record({ command, at, effects, snapshot = null, facilityId }) {
    let rows = [];
    let written = false;
    const seq = this.#transaction(() => {
      this.#storeFacilityId(facilityId);
      const seq = this.log.append(command);
      rows = Outbox.rows(seq, at, effects);
      written = snapshot !== null || this.outbox.full(rows);
      if (written) this.outbox.write(rows);
      if (snapshot !== null) this.#snapshot(seq, snapshot, at);
      else this.#logLength++;
      return seq;
    });
    if (written) this.outbox.stored(rows);
    else this.outbox.hold(rows);
    return seq;
  }

  // Writes a snapshot covering every logged command and trims the log, with
  // the effects still waiting written to the outbox table, in one
  // transaction. Returns the seq it covers.
  snapshot({ bytes, deadline }, at) {
    const seq = this.#transaction(() => {
      const seq = this.lastSeq();
      this.outbox.write([]);
      this.#snapshot(seq, { bytes, deadline }, at);
      return seq;
    });
    this.outbox.stored([]);
    return seq;
  }

  // Replaces the whole state with a rebuilt one, in one transaction: the
  // rebuild's commands are logged in place of the old log and snapshot,
  // and their effects written to the outbox table (after any still
  // waiting, written there too); with `snapshot` ({bytes, deadline} of the
  // result) it then covers them and the log is emptied. `steps` is
  // [{command, effects}].
  replace(steps, snapshot, at, facilityId) {
    const rows = [];
    const result = this.#transaction(() => {
      this.#storeFacilityId(facilityId);
      let seq = this.lastSeq();
      this.log.trimThrough(seq);
      this.snapshots.clear();
      for (const { command, effects } of steps) {
        seq = this.log.append(command);
        rows.push(...Outbox.rows(seq, at, effects));
      }
      this.outbox.write(rows);
      if (snapshot !== null) this.#snapshot(seq, snapshot, at);
      this.#logLength = this.log.length();
      return seq;
    });
    this.outbox.stored(rows);
    return result;
  }

  // Replays the log after `seq` (the snapshot's) through `run(command)`
  // (the core; returns its output's JSON text), and puts the effects still
  // waiting for D1 back in the outbox: those after the ones it stored or
  // drained. Returns the last output's text, or null for an empty log.
  replay(seq, run) {
    const covered = this.outbox.covered();
    const rows = [];
    let output = null;
    this.log.forEachAfter(seq, (command, logSeq) => {
      output = run(command);
      if (logSeq < covered.logSeq) return; // only the waiting effects' outputs are parsed
      for (const row of Outbox.rows(logSeq, commandNow(command), JSON.parse(output).effects)) {
        if (after(row, covered)) rows.push(row);
      }
    });
    this.outbox.restore(rows);
    return output;
  }

  // The newest log seq: the last logged command's, else how far the log
  // was trimmed (the snapshot's), else 0.
  lastSeq() {
    return this.log.last();
  }

  // Runs `fn` in one storage transaction; if it throws, everything it did
  // is rolled back, and so are the counts kept here.
  #transaction(fn) {
    try {
      return this.#storage.transactionSync(fn);
    } catch (error) {
      this.log.reload();
      this.#logLength = this.log.length();
      this.#facilityIdStored = this.facilityId !== null;
      throw error;
    }
  }

  #storeFacilityId(facilityId) {
    if (this.#facilityIdStored) return;
    this.#sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('facilityId', ?)", facilityId);
    this.#facilityIdStored = true;
  }

  #snapshot(seq, { bytes, deadline }, at) {
    this.snapshots.write(seq, bytes, deadline, at);
    this.log.trimThrough(seq);
    this.#logLength = this.log.length();
  }
}
