// worker.js: the baseline for the end-to-end benchmark (bench only). It
// answers the three routes the load generator drives, as Courtside's Worker
// does up to the point where Courtside starts deciding: the Worker reads
// the body (or the path), finds the facility's object by name and calls it
// by RPC; the object parses the JSON, writes one row to its SQLite storage
// and answers with a reply as long as Courtside's (REPLY_BYTES, measured
// in the same run) with a fresh reservation id. No sessions, no rules, no
// core, no outbox: what is left is the runtime's own cost. READ_SESSION=1
// (an experiment) adds one KV read per request, as Courtside's session check;
// NO_OBJECT=1 (another) has the Worker answer the same reply itself, without
// calling the object, to tell the HTTP side's cost from the object's.
import { DurableObject } from "cloudflare:workers";

const decoder = new TextDecoder();
const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export class BaselineObject extends DurableObject {
  #sql;
  #replyBytes;

  constructor(ctx, env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec("CREATE TABLE IF NOT EXISTS requests (seq INTEGER PRIMARY KEY, op TEXT NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL)");
    this.#replyBytes = JSON.parse(env.REPLY_BYTES ?? "{}");
  }

  // `op` attempt, confirm or cancel; `body` the request's bytes (a cancel's
  // is its path's id as JSON). Returns {status, reply}.
  async execute(op, body) {
    const parsed = JSON.parse(decoder.decode(body));
    this.#sql.exec("INSERT INTO requests (op, body, at) VALUES (?, ?, ?)", op, JSON.stringify(parsed), Date.now());
    return { status: 200, reply: replyTo(op, parsed, this.#replyBytes) };
  }
}

// The reply to `op` on the parsed body, padded to replyBytes[op] bytes.
function replyTo(op, parsed, replyBytes) {
  const reservationId = parsed.reservationId ?? `${parsed.facilityId}_${randomId()}`;
  const reply = { success: true, reservationId, padding: "" };
  const length = JSON.stringify(reply).length;
  reply.padding = "x".repeat(Math.max(0, (replyBytes[op] ?? 0) - length));
  return reply;
}

function randomId() {
  let id = "";
  for (const byte of crypto.getRandomValues(new Uint8Array(16))) id += BASE62[byte % 62];
  return id;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    let op;
    let body;
    let facilityId;
    const action = /^\/api\/realtime\/(attempt|confirm)$/.exec(url.pathname);
    const cancel = /^\/api\/reservations\/([^/]+)$/.exec(url.pathname);
    if (action !== null && request.method === "POST") {
      op = action[1];
      body = new Uint8Array(await request.arrayBuffer());
      facilityId = JSON.parse(decoder.decode(body)).facilityId;
    } else if (cancel !== null && request.method === "DELETE") {
      op = "cancel";
      facilityId = cancel[1].slice(0, cancel[1].indexOf("_"));
      body = new TextEncoder().encode(JSON.stringify({ facilityId, reservationId: cancel[1] }));
    } else {
      return Response.json({ success: false, error: "not_found" }, { status: 404 });
    }
    // READ_SESSION=1: one KV read per request, as Courtside's session check.
    if (env.READ_SESSION === "1") await env.SESSIONS.get(`session:${request.headers.get("Authorization")?.slice(-22)}`, "json");
    if (env.NO_OBJECT === "1") return Response.json(replyTo(op, JSON.parse(decoder.decode(body)), JSON.parse(env.REPLY_BYTES ?? "{}")));
    const stub = env.BASELINE.get(env.BASELINE.idFromName(facilityId));
    const { status, reply } = await stub.execute(op, body);
    return Response.json(reply, { status });
  },
};
