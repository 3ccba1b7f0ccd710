// socket-load.mjs: the WebSocket transport of the load generator (load.mjs
// drives the workload): the same three commands, each a frame
// {"type":"command","requestId":R,"command":{"action",...}} on a socket of
// /api/realtime/websocket?facilityId=F&token=T, answered by a
// {"type":"reply","requestId":R,...} frame matched by its requestId. Each
// member has one socket, authenticated as that member; a client rotates
// over its members as over HTTP, so over their sockets. Before each frame
// the generator waits, if it must, until the socket stays under the
// facility's limits (edge/limits.js: 30 commands per 10 s per member, 20
// messages per second per socket), counting a command from when it is sent
// until its reply came plus the window, so the object can never count more
// (the wait is not in the command's latency; its total is reported; the
// baseline, without limits, is driven unpaced). Every
// other frame (initial_state, the facility's broadcasts) is counted by type,
// not parsed. Needs the global WebSocket (Node 20: --experimental-websocket).
import { performance } from "node:perf_hooks";
import { LIMITS } from "../../edge/limits.js";

const WINDOWS = [
  { limit: LIMITS.memberRequests, windowMs: LIMITS.memberWindowMs },
  { limit: LIMITS.socketMessages, windowMs: LIMITS.socketWindowMs },
];
const LONGEST_WINDOW_MS = Math.max(...WINDOWS.map((w) => w.windowMs));
const REPLY_PREFIX = '{"type":"reply"';
const TIMEOUT_MS = 30_000; // a command without a reply by then fails (status 0)
const OPEN_AT_ONCE = 50;

// One member's socket: its commands waiting for a reply, by requestId, and
// its recent commands [{repliedAt}] (null while in flight) for the limits.
function openSocket(url, facilityId, member, frames, watch) {
  const query = new URLSearchParams({ facilityId, token: member.token, ...watch });
  const address = `${url.replace(/^http/, "ws")}/api/realtime/websocket?${query}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(address);
    const socket = { ws, member, pending: new Map(), recent: [], closed: null };
    ws.addEventListener("open", () => resolve(socket), { once: true });
    ws.addEventListener("error", () => reject(new Error(`the socket of ${member.memberId} failed to open`)), { once: true });
    ws.addEventListener("message", ({ data }) => {
      if (!data.startsWith(REPLY_PREFIX)) {
        frames.other(data);
        return;
      }
      const frame = JSON.parse(data);
      const waiting = socket.pending.get(frame.requestId);
      if (waiting === undefined) return;
      socket.pending.delete(frame.requestId);
      waiting.finish({ status: frame.status, text: data, body: frame.body });
    });
    ws.addEventListener("close", ({ code, reason }) => {
      socket.closed = `socket closed ${code} ${reason}`;
      for (const waiting of socket.pending.values()) waiting.finish({ status: 0, text: socket.closed });
      socket.pending.clear();
    });
  });
}

// How long to wait before `socket` may send one more frame (0: now).
function waitFor(socket, now) {
  socket.recent = socket.recent.filter(({ repliedAt }) => repliedAt === null || repliedAt > now - LONGEST_WINDOW_MS);
  let wait = 0;
  for (const { limit, windowMs } of WINDOWS) {
    const counted = socket.recent.filter(({ repliedAt }) => repliedAt === null || repliedAt > now - windowMs);
    if (counted.length < limit) continue;
    // The earliest a counted command leaves the window; in flight: soon.
    const leaves = counted.map(({ repliedAt }) => (repliedAt === null ? now + 5 : repliedAt + windowMs));
    wait = Math.max(wait, Math.min(...leaves) - now);
  }
  return wait;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// `paced`: wait for the limits (Courtside enforces them; the baseline,
// which has none, is driven unpaced so that its figure is its own).
// `scope` "all" (every socket hears of every change) or "day": socket i
// watches days[i % days.length] and hears of that day's changes only.
export function socketTransport({ url, facilityId, paced = true, scope = "all", days = [] }) {
  const sockets = new Map(); // memberId → socket
  let nextRequestId = 1;
  let recordFrom = Infinity;
  const counts = { frames: {}, limitWaits: 0, limitWaitMs: 0 };
  const frames = {
    other(data) {
      if (performance.now() < recordFrom) return;
      const type = data.slice(9, data.indexOf('"', 9)); // {"type":"TYPE"
      counts.frames[type] = (counts.frames[type] ?? 0) + 1;
    },
  };

  async function command(member, action, fields) {
    const socket = sockets.get(member.memberId);
    for (let wait = paced ? waitFor(socket, performance.now()) : 0; wait > 0; wait = waitFor(socket, performance.now())) {
      if (performance.now() >= recordFrom) {
        counts.limitWaits++;
        counts.limitWaitMs += wait;
      }
      await sleep(wait);
    }
    if (socket.closed !== null) return { status: 0, text: socket.closed, ms: 0, reused: true };
    const requestId = nextRequestId++;
    const entry = { repliedAt: null };
    socket.recent.push(entry);
    const started = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        socket.pending.delete(requestId);
        finish({ status: 0, text: `no reply within ${TIMEOUT_MS} ms` });
      }, TIMEOUT_MS);
      function finish(reply) {
        clearTimeout(timer);
        entry.repliedAt = performance.now();
        resolve({ ...reply, ms: entry.repliedAt - started, reused: true });
      }
      socket.pending.set(requestId, { finish });
      socket.ws.send(JSON.stringify({ type: "command", requestId, command: { action, facilityId, ...fields } }));
    });
  }

  return {
    async open(members) {
      const all = members.flat();
      for (let i = 0; i < all.length; i += OPEN_AT_ONCE) {
        const opened = await Promise.all(all.slice(i, i + OPEN_AT_ONCE).map((member, j) => {
          const watch = scope === "day" ? { scope, date: days[(i + j) % days.length] } : {};
          return openSocket(url, facilityId, member, frames, watch);
        }));
        for (const socket of opened) sockets.set(socket.member.memberId, socket);
      }
    },
    record(from) {
      recordFrom = from;
    },
    attempt: (member, slot) => command(member, "attempt", {
      courtId: slot.courtId, startTime: slot.startTime, endTime: slot.endTime, memberId: member.memberId,
    }),
    confirm: (member, reservationId) => command(member, "confirm", { reservationId }),
    cancel: (owner, reservationId) => command(owner, "cancel", { reservationId }),
    // Over the recorded `seconds`: the other frames received (by type, and
    // per second), the waits for the limits, the sockets that closed.
    stats(seconds) {
      const other = Object.values(counts.frames).reduce((sum, n) => sum + n, 0);
      return {
        kind: "websocket",
        sockets: sockets.size,
        paced,
        otherFrames: counts.frames,
        otherFramesPerSecond: Math.round(other / seconds),
        limitWaits: counts.limitWaits,
        limitWaitMs: Math.round(counts.limitWaitMs),
        socketsClosed: [...sockets.values()].filter((s) => s.closed !== null).map((s) => `${s.member.memberId}: ${s.closed}`).slice(0, 10),
      };
    },
    async close() {
      for (const socket of sockets.values()) if (socket.closed === null) socket.ws.close(1000, "done");
    },
  };
}
