// log.js: a facility's durable command log in its Durable Object's SQLite
// storage. Every command that changed the core's state is appended, in
// order, under a sequence number that only grows (AUTOINCREMENT: trimmed
// numbers are never reused, so they can key writes elsewhere). Replaying the
// commands after the latest snapshot into a core restored from it rebuilds
// the same state. Takes the `ctx.storage.sql` handle; writes are
// synchronous, so the object's output gate holds the reply until they are
// durable.
export class CommandLog {
  #sql;

  constructor(sql) {
    this.#sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY AUTOINCREMENT, command BLOB NOT NULL)");
  }

  // Appends a command (bytes); returns its sequence number.
  append(command) {
    return this.#sql.exec("INSERT INTO log (command) VALUES (?) RETURNING seq", command).one().seq;
  }

  // Calls fn(command, seq) for every command after `seq`, oldest first.
  forEachAfter(seq, fn) {
    for (const row of this.#sql.exec("SELECT seq, command FROM log WHERE seq > ? ORDER BY seq", seq)) {
      fn(new Uint8Array(row.command), row.seq);
    }
  }

  // How many commands the log holds.
  length() {
    return this.#sql.exec("SELECT count(*) AS n FROM log").one().n;
  }

  // Drops every command up to and including `seq` (a snapshot covers them).
  trimThrough(seq) {
    this.#sql.exec("DELETE FROM log WHERE seq <= ?", seq);
  }
}
