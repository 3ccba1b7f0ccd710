// log.js: a facility's durable command log in its Durable Object's SQLite
// storage. Every command that changed the core's state is appended, in
// order, under a sequence number that only grows: trimmed numbers are never
// reused, so they can key writes elsewhere (the outbox, D1's audit log).
// The log hands the numbers out itself, one past the last it knows of (the
// newest row, or how far it was trimmed), so an append writes one row and
// nothing else (AUTOINCREMENT would also rewrite sqlite_sequence each
// time; a log created with it still reads its numbers from there).
// Replaying the commands after the latest snapshot into a core restored
// from it rebuilds the same state. Takes the `ctx.storage.sql` handle;
// writes are synchronous, so the object's output gate holds the reply until
// they are durable.
export class CommandLog {
  #sql;
  #last; // the last seq handed out: logged, or trimmed away

  constructor(sql) {
    this.#sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, command BLOB NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS log_trimmed (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL)");
    this.reload();
  }

  // Reads the last seq from storage again (after a transaction that
  // appended rolled back).
  reload() {
    const number = (query) => this.#sql.exec(query).toArray()[0]?.n ?? 0;
    const legacy = number("SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_sequence'") > 0
      ? number("SELECT seq AS n FROM sqlite_sequence WHERE name = 'log'")
      : 0;
    this.#last = Math.max(number("SELECT max(seq) AS n FROM log"), number("SELECT seq AS n FROM log_trimmed"), legacy);
  }

  // The last seq handed out (0 before the first command).
  last() {
    return this.#last;
  }

  // Appends a command (bytes); returns its sequence number.
  append(command) {
    const seq = this.#last + 1;
    this.#sql.exec("INSERT INTO log (seq, command) VALUES (?, ?)", seq, command);
    this.#last = seq;
    return seq;
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

  // Drops every command up to and including `seq` (a snapshot covers them),
  // remembering how far, so the numbers go on from there.
  trimThrough(seq) {
    this.#sql.exec("DELETE FROM log WHERE seq <= ?", seq);
    this.#sql.exec(
      "INSERT INTO log_trimmed (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = max(seq, excluded.seq)",
      seq,
    );
  }
}
