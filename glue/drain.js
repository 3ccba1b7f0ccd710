// drain.js: when and how a facility's outbox goes to D1. Reads the oldest
// rows (glue/outbox.js), as many as fit one D1 batch, hands them to
// `write` (glue/projection.js's writeRows) and removes them once it
// resolved, storing how far it got once a run; a failure keeps them and
// backs off. `due` is when the next run should happen (ms, or null when
// there is nothing to do): the facility object folds it into its one alarm. One run at a time, starting at least
// SPACING_MS after the one before. No platform API here: the writer comes
// from the caller.
import { SHARED_STATEMENTS, statementCount } from "./projection.js";

const GRACE_MS = 2000; // after a commit, the alarm's safety net for the immediate run
const RETRY_MS = [1000, 2000, 4000, 8000, 15_000, 30_000, 60_000]; // backoff after failures
const ROWS = 200; // outbox rows read at once
const STATEMENTS = 100; // D1 statements per batch
const BATCHES = 10; // batches per run; the next run goes on
const SPACING_MS = 500; // runs start at least this far apart, so a busy facility's rows share D1 batches

export class OutboxDrain {
  #outbox;
  #write;
  #log;
  #failures = 0;
  #running = null;
  #lastStart = -Infinity; // when the last run started (ms)
  #deferred = null; // the run soon() put off, until it starts
  due = null;

  // `write(rows)` writes outbox rows to D1 (rejects on failure); `log(error)`
  // reports a failed run.
  constructor(outbox, write, log) {
    this.#outbox = outbox;
    this.#write = write;
    this.#log = log;
    if (outbox.size() > 0) this.due = Date.now(); // left over from before a restart
  }

  // After a commit that added rows: run now (or SPACING_MS after the last
  // run started), with `due` as the safety net should this run be cut
  // short. While failures back off, only the retry runs. Returns the run
  // started or put off, or null.
  soon(now) {
    if (this.#failures > 0) return null;
    this.due = Math.min(this.due ?? Infinity, now + GRACE_MS);
    if (this.#running !== null || this.#deferred !== null) return null;
    const waitMs = this.#lastStart + SPACING_MS - now;
    if (waitMs <= 0) return this.run();
    // Within SPACING_MS of the last run: one deferred run takes the rows
    // committed until then. (A timer, never awaited by the caller: a run
    // awaited inside blockConcurrencyWhile must not wait on one.)
    this.#deferred = new Promise((resolve) => setTimeout(resolve, waitMs)).then(() => {
      this.#deferred = null;
      return this.#failures > 0 ? true : this.run();
    });
    return this.#deferred;
  }

  // Drains the outbox, a batch at a time, at most BATCHES; resolves when
  // this run ended (joining the one in progress, if any), to false if a
  // batch failed.
  run() {
    this.#running ??= this.#batches().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  // Drains everything now (a run after another until the outbox is empty);
  // resolves to true when it is, false after a failure.
  async flush() {
    await this.#running;
    while (this.#outbox.size() > 0) {
      if (!(await this.run())) return false;
    }
    return true;
  }

  // One run; resolves to false if a batch failed.
  async #batches() {
    this.#lastStart = Date.now();
    let failed = false;
    let drained = null; // the last row written
    for (let batch = 0; batch < BATCHES && !failed; batch++) {
      const rows = this.#next();
      if (rows.length === 0) break;
      try {
        await this.#write(rows);
        drained = rows.at(-1);
        this.#outbox.removeThrough(drained);
      } catch (error) {
        this.#log(error);
        failed = true;
      }
    }
    if (drained !== null) this.#outbox.markDrained(drained); // once a run: one write, not one a batch
    const now = Date.now();
    if (failed) {
      this.#failures++;
      this.due = now + RETRY_MS[Math.min(this.#failures, RETRY_MS.length) - 1];
    } else {
      this.#failures = 0;
      this.due = this.#outbox.size() > 0 ? now : null;
    }
    return !failed;
  }

  // The next outbox rows, as many as fit one D1 batch (at least one).
  #next() {
    const rows = this.#outbox.peek(ROWS);
    let statements = SHARED_STATEMENTS;
    let count = 0;
    while (count < rows.length && (count === 0 || statements + statementCount(rows[count]) <= STATEMENTS)) {
      statements += statementCount(rows[count]);
      count++;
    }
    return rows.slice(0, count);
  }
}
