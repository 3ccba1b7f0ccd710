// log.js: a facility's durable command log in its Durable Object's SQLite
// storage. Every command that changed the core's state is appended, in
// order; replaying them into a fresh core rebuilds the same state. Takes the
// `ctx.storage.sql` handle; writes are synchronous, so the object's output
// gate holds the reply until the append is durable.
export class CommandLog {
  #sql;

  constructor(sql) {
    this.#sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY AUTOINCREMENT, command BLOB NOT NULL)");
  }

  append(command) {
    this.#sql.exec("INSERT INTO log (command) VALUES (?)", command);
  }

  // Calls fn(command) for every logged command, oldest first.
  forEach(fn) {
    for (const { command } of this.#sql.exec("SELECT command FROM log ORDER BY seq")) {
      fn(new Uint8Array(command));
    }
  }
}
