// worker.js: the baseline for the end-to-end benchmark (bench only). It
// answers the three routes the load generator drives, as Courtside's Worker
// does up to the point where Courtside starts deciding: the Worker reads
// the body (or the path), finds the facility's object by name and calls it
// by RPC; the object parses the JSON, writes one row to its SQLite storage
// and answers with a reply as long as Courtside's (REPLY_BYTES, measured
// in the same run) with a fresh reservation id. Over a WebSocket
// (/api/realtime/websocket?facilityId=F) the Worker hands the upgrade to
// the facility's object by name, which accepts it with the hibernation API
// (ctx.acceptWebSocket) and, for each command frame, parses it, writes one
// row and answers a reply frame {"type":"reply","requestId",...} as long
// as Courtside's whole reply frame (REPLY_BYTES then holds the frames'
// lengths). No sessions, no rules, no core, no outbox, no broadcasts: what
// is left is the runtime's own cost. READ_SESSION=1 (an experiment) adds
// one KV read per request or command frame, as Courtside's session check;
// NO_OBJECT=1 (another, HTTP only) has the Worker answer the same reply
// itself, without calling the object, to tell the HTTP side's cost from
// the object's; BROADCAST=1 (WebSockets only) sends a change frame to every
// socket before each reply, as Courtside broadcasts each change, to tell
// the cost of that fan-out from the rest.
import { DurableObject } from "cloudflare:workers";

const decoder = new TextDecoder();
const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export class BaselineObject extends DurableObject {
  #sql;
  #replyBytes;
  #seq = 0; // BROADCAST=1: the change frames' sequence

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

  // A WebSocket upgrade from the Worker: accepted with the hibernation API;
  // with READ_SESSION=1 the token's session key is attached to the socket.
  async fetch(request) {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    if (this.env.READ_SESSION === "1") server.serializeAttachment({ session: new URL(request.url).searchParams.get("token")?.slice(-22) });
    return new Response(null, { status: 101, webSocket: client });
  }

  // {"type":"command","requestId":R,"command":{"action",...fields}}: one
  // row, then {"type":"reply","requestId":R,"status":200,"body":{...}} as
  // long as Courtside's frame for that action.
  async webSocketMessage(ws, message) {
    const { requestId, command } = JSON.parse(message);
    const { action, ...fields } = command;
    if (this.env.READ_SESSION === "1") await this.env.SESSIONS.get(`session:${ws.deserializeAttachment()?.session}`, "json");
    this.#sql.exec("INSERT INTO requests (op, body, at) VALUES (?, ?, ?)", action, JSON.stringify(fields), Date.now());
    const body = { success: true, reservationId: fields.reservationId ?? `${fields.facilityId}_${randomId()}`, padding: "" };
    // BROADCAST=1: first a change frame to every socket, as Courtside's.
    if (this.env.BROADCAST === "1") {
      const change = JSON.stringify({ type: "slot_changed", seq: ++this.#seq, courtId: fields.courtId ?? "court-1", startTime: fields.startTime ?? "", endTime: fields.endTime ?? "" });
      for (const socket of this.ctx.getWebSockets()) socket.send(change);
    }
    ws.send(JSON.stringify(padded({ type: "reply", requestId, status: 200, body }, body, this.#replyBytes[action])));
  }

  async webSocketClose(ws, code) {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
  }
}

// The reply to `op` on the parsed body, padded to replyBytes[op] bytes.
function replyTo(op, parsed, replyBytes) {
  const reply = { success: true, reservationId: parsed.reservationId ?? `${parsed.facilityId}_${randomId()}`, padding: "" };
  return padded(reply, reply, replyBytes[op]);
}

// `value` with `holder.padding` (part of it) grown until value's JSON is
// `bytes` long (ASCII throughout).
function padded(value, holder, bytes = 0) {
  holder.padding = "x".repeat(Math.max(0, bytes - JSON.stringify(value).length));
  return value;
}

function randomId() {
  let id = "";
  for (const byte of crypto.getRandomValues(new Uint8Array(16))) id += BASE62[byte % 62];
  return id;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/api/realtime/websocket") {
      if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
        return Response.json({ success: false, error: "upgrade_required" }, { status: 426 });
      }
      return env.BASELINE.get(env.BASELINE.idFromName(url.searchParams.get("facilityId"))).fetch(request);
    }
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
