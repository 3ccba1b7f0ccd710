// store.js: everything a facility keeps in its Durable Object's storage,
// and the transactions that keep it consistent: the command log, the
// outbox of effects and the latest snapshot (glue/log.js, outbox.js,
// snapshots.js), plus a little metadata (the facility's id). Each change is
// one `transactionSync`: a command with its effects (and the snapshot when
// one is due), a snapshot with the log's trim, a whole rebuild. Takes
// `ctx.storage`.
import { CommandLog } from "./log.js";
import { Outbox } from "./outbox.js";
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
    this.outbox = new Outbox(this.#sql);
    this.snapshots = new Snapshots(this.#sql);
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

  // Logs a command that changed the state and adds its effects to the
  // outbox, in one transaction; with `snapshot` ({bytes, deadline}, the
  // state after this command) also writes it and trims the log. The first
  // command also stores `facilityId`. Returns the command's log seq.
  record({ command, at, effects, snapshot = null, facilityId }) {
    return this.#transaction(() => {
      this.#storeFacilityId(facilityId);
      const seq = this.log.append(command);
      this.outbox.add(seq, at, effects);
      if (snapshot !== null) this.#snapshot(seq, snapshot, at);
      else this.#logLength++;
      return seq;
    });
  }

  // Writes a snapshot covering every logged command and trims the log, in
  // one transaction. Returns the seq it covers.
  snapshot({ bytes, deadline }, at) {
    return this.#transaction(() => {
      const seq = this.lastSeq();
      this.#snapshot(seq, { bytes, deadline }, at);
      return seq;
    });
  }

  // Replaces the whole state with a rebuilt one, in one transaction: the
  // rebuild's commands are logged (with their effects in the outbox, after
  // any still waiting there) in place of the old log and snapshot; with
  // `snapshot` ({bytes, deadline} of the result) it then covers them and
  // the log is emptied. `steps` is [{command, effects}].
  replace(steps, snapshot, at, facilityId) {
    return this.#transaction(() => {
      this.#storeFacilityId(facilityId);
      let seq = this.lastSeq();
      this.log.trimThrough(seq);
      this.snapshots.clear();
      for (const { command, effects } of steps) {
        seq = this.log.append(command);
        this.outbox.add(seq, at, effects);
      }
      if (snapshot !== null) this.#snapshot(seq, snapshot, at);
      this.#logLength = this.log.length();
      return seq;
    });
  }

  // The newest log seq: the last logged command's, else the snapshot's, else 0.
  lastSeq() {
    const logged = this.#sql.exec("SELECT max(seq) AS seq FROM log").one().seq;
    return logged ?? this.snapshots.info()?.seq ?? 0;
  }

  // Runs `fn` in one storage transaction; if it throws, everything it did
  // is rolled back, and so are the counts kept here.
  #transaction(fn) {
    try {
      return this.#storage.transactionSync(fn);
    } catch (error) {
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
