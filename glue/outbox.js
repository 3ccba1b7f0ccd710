// outbox.js: the effects of logged commands (docs/PROTOCOL.md) until D1
// has them, kept so that a crash never loses one. The core is
// deterministic, so a logged command's effects come back whenever the log
// is replayed: while its command is in the log, an effect needs no row of
// its own and waits in memory ("pending"). Only when a snapshot or a
// rebuild is about to trim log rows whose effects are still waiting (or
// when more than PENDING_MAX wait) are they written to the `outbox` table,
// in that same transaction. The drain takes rows oldest first, the table's before the
// pending ones (the table's are always older), removes them once D1 has
// them, and at the end of its run stores how far it got (the
// `outbox_drained` mark).
// Start-up replays the log and hands back, through restore(), the effects
// after the later of that mark and the table's last row. Rows are
// {logSeq, idx, at, effect}, ordered by (logSeq, idx). Takes the
// `ctx.storage.sql` handle.
const PENDING_MAX = 4096; // effects waiting in memory before they go to the table
const LAST_IDX = 2 ** 31; // past any effect's index: "the whole command"

export class Outbox {
  #sql;
  #stored; // rows in the table
  #pending = []; // rows after the table's, regenerable from the log

  // `lastSeq()` is the log's last seq. Storage written before there was a
  // drained mark kept every waiting effect in the table, so its mark starts
  // at that seq: nothing logged by then is regenerated.
  constructor(sql, lastSeq) {
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS outbox (
      log_seq INTEGER NOT NULL, idx INTEGER NOT NULL, at INTEGER NOT NULL, effect TEXT NOT NULL,
      PRIMARY KEY (log_seq, idx))`);
    const marked = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox_drained'").toArray().length > 0;
    if (!marked) {
      sql.exec(`CREATE TABLE outbox_drained (
        id INTEGER PRIMARY KEY CHECK (id = 1), log_seq INTEGER NOT NULL, idx INTEGER NOT NULL)`);
      sql.exec("INSERT INTO outbox_drained (id, log_seq, idx) VALUES (1, ?, ?)", lastSeq(), LAST_IDX);
    }
    this.#stored = sql.exec("SELECT count(*) AS n FROM outbox").one().n;
  }

  // The rows for the effects of the command logged as `logSeq` at `at` (ms).
  static rows(logSeq, at, effects) {
    return effects.map((effect, idx) => ({ logSeq, idx, at, effect }));
  }

  // The last row that needs no replay to come back: the later of the last
  // one drained and the table's last one ({logSeq: 0, idx: -1} for none).
  // Start-up regenerates the effects after it.
  covered() {
    const drained = this.#sql.exec("SELECT log_seq, idx FROM outbox_drained").toArray()[0];
    const stored = this.#sql.exec("SELECT log_seq, idx FROM outbox ORDER BY log_seq DESC, idx DESC LIMIT 1").toArray()[0];
    const rows = [drained, stored].filter((row) => row !== undefined).map((row) => ({ logSeq: row.log_seq, idx: row.idx }));
    return rows.reduce((latest, row) => (after(row, latest) ? row : latest), { logSeq: 0, idx: -1 });
  }

  // Start-up, and after a rollback: the pending rows are `rows`, the
  // effects the log's replay regenerated after covered().
  restore(rows) {
    this.#pending = rows;
    this.#stored = this.#sql.exec("SELECT count(*) AS n FROM outbox").one().n;
  }

  // Whether `rows` more would take the pending ones past PENDING_MAX.
  full(rows) {
    return this.#pending.length + rows.length > PENDING_MAX;
  }

  // Writes the pending rows and then `rows` to the table. Call inside the
  // storage transaction that trims the log behind them, then stored() once
  // it committed.
  write(rows) {
    for (const row of [...this.#pending, ...rows]) {
      this.#sql.exec(
        "INSERT INTO outbox (log_seq, idx, at, effect) VALUES (?, ?, ?, ?)",
        row.logSeq, row.idx, row.at, JSON.stringify(row.effect),
      );
    }
  }

  // After write()'s transaction committed: those rows are in the table.
  stored(rows) {
    this.#stored += this.#pending.length + rows.length;
    this.#pending = [];
  }

  // After the transaction that logged their command committed: `rows` wait
  // in memory.
  hold(rows) {
    for (const row of rows) this.#pending.push(row);
  }

  // The oldest `limit` rows: [{logSeq, idx, at, effect}].
  peek(limit) {
    const rows = this.#stored === 0 ? [] : this.#sql
      .exec("SELECT log_seq, idx, at, effect FROM outbox ORDER BY log_seq, idx LIMIT ?", limit)
      .toArray()
      .map((row) => ({ logSeq: row.log_seq, idx: row.idx, at: row.at, effect: JSON.parse(row.effect) }));
    return rows.concat(this.#pending.slice(0, limit - rows.length));
  }

  // Removes every row up to and including `row` (the last one drained).
  removeThrough({ logSeq, idx }) {
    if (this.#stored > 0) {
      this.#sql.exec("DELETE FROM outbox WHERE log_seq < ? OR (log_seq = ? AND idx <= ?)", logSeq, logSeq, idx);
      this.#stored = this.#sql.exec("SELECT count(*) AS n FROM outbox").one().n;
    }
    let drained = 0;
    while (drained < this.#pending.length && !after(this.#pending[drained], { logSeq, idx })) drained++;
    this.#pending.splice(0, drained);
  }

  // Stores how far the drain got: `row` and every row before it are in D1.
  // Until then a restart may send some of them again, which changes nothing.
  markDrained({ logSeq, idx }) {
    this.#sql.exec(
      "INSERT INTO outbox_drained (id, log_seq, idx) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET log_seq = excluded.log_seq, idx = excluded.idx",
      logSeq, idx,
    );
  }

  size() {
    return this.#stored + this.#pending.length;
  }
}

// Whether row `a` comes after row `b` in (logSeq, idx) order.
export function after(a, b) {
  return a.logSeq > b.logSeq || (a.logSeq === b.logSeq && a.idx > b.idx);
}
