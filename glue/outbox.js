// outbox.js: the transactional outbox in a facility's Durable Object SQLite
// storage. The effects of a logged command are added in the same storage
// transaction as the command itself, keyed by (log seq, index), so a crash
// can never keep one without the other. The drain (glue/projection.js via
// the object) reads them oldest first and removes them once D1 has them.
// Takes the `ctx.storage.sql` handle.
export class Outbox {
  #sql;

  constructor(sql) {
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS outbox (
      log_seq INTEGER NOT NULL, idx INTEGER NOT NULL, at INTEGER NOT NULL, effect TEXT NOT NULL,
      PRIMARY KEY (log_seq, idx))`);
  }

  // Adds the effects of the command logged as `logSeq` at `at` (ms).
  add(logSeq, at, effects) {
    effects.forEach((effect, idx) => {
      this.#sql.exec("INSERT INTO outbox (log_seq, idx, at, effect) VALUES (?, ?, ?, ?)", logSeq, idx, at, JSON.stringify(effect));
    });
  }

  // The oldest `limit` rows: [{logSeq, idx, at, effect}].
  peek(limit) {
    return this.#sql
      .exec("SELECT log_seq, idx, at, effect FROM outbox ORDER BY log_seq, idx LIMIT ?", limit)
      .toArray()
      .map((row) => ({ logSeq: row.log_seq, idx: row.idx, at: row.at, effect: JSON.parse(row.effect) }));
  }

  // Removes every row up to and including `row` (the last one drained).
  removeThrough({ logSeq, idx }) {
    this.#sql.exec("DELETE FROM outbox WHERE log_seq < ? OR (log_seq = ? AND idx <= ?)", logSeq, logSeq, idx);
  }

  size() {
    return this.#sql.exec("SELECT count(*) AS n FROM outbox").one().n;
  }
}
