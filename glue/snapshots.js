// snapshots.js: a facility's latest snapshot in its Durable Object's SQLite
// storage: the core's snapshot bytes (cs_snapshot_write), the log sequence
// number they cover and the core's deadline at that point, split into
// chunks of at most 1 MB (a SQLite row holds at most 2 MB). Writing a new
// snapshot replaces the old one. Takes the `ctx.storage.sql` handle.
const CHUNK_BYTES = 1024 * 1024;

export class Snapshots {
  #sql;

  constructor(sql) {
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS snapshot (
      seq INTEGER PRIMARY KEY, length INTEGER NOT NULL, chunks INTEGER NOT NULL,
      deadline INTEGER, taken_at INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS snapshot_chunk (
      seq INTEGER NOT NULL, idx INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (seq, idx))`);
  }

  // Stores `bytes` as the snapshot covering the log up to `seq`, replacing
  // any older one. Call inside a storage transaction with the log's trim.
  write(seq, bytes, deadline, takenAt) {
    this.clear();
    const chunks = Math.ceil(bytes.length / CHUNK_BYTES);
    for (let idx = 0; idx < chunks; idx++) {
      const chunk = bytes.subarray(idx * CHUNK_BYTES, (idx + 1) * CHUNK_BYTES);
      this.#sql.exec("INSERT INTO snapshot_chunk (seq, idx, bytes) VALUES (?, ?, ?)", seq, idx, chunk);
    }
    this.#sql.exec(
      "INSERT INTO snapshot (seq, length, chunks, deadline, taken_at) VALUES (?, ?, ?, ?, ?)",
      seq, bytes.length, chunks, deadline, takenAt,
    );
  }

  // The latest snapshot's {seq, takenAt} without its bytes, or null.
  info() {
    const row = this.#sql.exec("SELECT seq, length, taken_at FROM snapshot ORDER BY seq DESC LIMIT 1").toArray()[0];
    return row === undefined ? null : { seq: row.seq, length: row.length, takenAt: row.taken_at };
  }

  // The latest snapshot {seq, bytes, deadline}, or null when there is none.
  // Throws when its chunks do not add up (a damaged snapshot).
  latest() {
    const head = this.#sql.exec("SELECT * FROM snapshot ORDER BY seq DESC LIMIT 1").toArray()[0];
    if (head === undefined) return null;
    const bytes = new Uint8Array(head.length);
    let offset = 0;
    let count = 0;
    for (const row of this.#sql.exec("SELECT idx, bytes FROM snapshot_chunk WHERE seq = ? ORDER BY idx", head.seq)) {
      const chunk = new Uint8Array(row.bytes);
      if (row.idx !== count || offset + chunk.length > head.length) break;
      bytes.set(chunk, offset);
      offset += chunk.length;
      count++;
    }
    if (count !== head.chunks || offset !== head.length) {
      throw new Error(`snapshot ${head.seq} is damaged: ${count} of ${head.chunks} chunks, ${offset} of ${head.length} bytes`);
    }
    return { seq: head.seq, bytes, deadline: head.deadline };
  }

  clear() {
    this.#sql.exec("DELETE FROM snapshot_chunk");
    this.#sql.exec("DELETE FROM snapshot");
  }
}
