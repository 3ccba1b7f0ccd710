// load.mjs: the load generator of the end-to-end benchmark, over HTTP or
// over any other transport with the same three commands (socket-load.mjs:
// WebSocket frames). `clients` concurrent clients each loop for
// `durationMs`: hold a slot chosen with a Zipf skew (evenings of the nearest
// days hottest), confirm it when the hold was granted, then with
// probability 0.3 cancel one of their own bookings. Over HTTP the clients
// share one keep-alive agent and the commands are POST
// /api/realtime/attempt, POST /api/realtime/confirm and DELETE
// /api/reservations/{id}. Each client acts for its own members in turn, so
// no member passes the facility's request limit. The first `warmupMs` are
// run but not recorded. Returns per-endpoint latencies and statuses, the
// reply sizes, a per-second timeline (requests completed, slowest), how
// many requests went on a fresh connection and how many replies said
// `Connection: close` (by status), the replies taking 500 ms or more (when
// sent, how long, on a fresh or a reused connection), the generator's own
// event-loop delay and CPU share, the transport's own figures, and what each client
// believes it has booked.
import { Agent, request } from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { generator, zipf } from "../core/workloads.mjs";

// One HTTP request; resolves to {status, text, ms, reused, close} (status 0:
// the request failed; reused: it went on a kept-alive connection; close:
// the reply said `Connection: close`).
export function send(agent, base, method, path, { body, token } = {}) {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers = {};
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = payload.length;
  }
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({
        status: res.statusCode, text: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started,
        reused: req.reusedSocket, close: res.headers.connection === "close",
      }));
      res.on("error", (error) => resolve({ status: 0, text: error.message, ms: performance.now() - started, reused: req.reusedSocket }));
    });
    req.on("error", (error) => resolve({ status: 0, text: error.message, ms: performance.now() - started, reused: req.reusedSocket }));
    req.end(payload);
  });
}

// send, for the benchmarks' own set-up and checks: {status, body (parsed;
// null when empty), ms, at (performance.now() when the reply was in)}.
export async function sendJson(agent, base, method, path, options) {
  const reply = await send(agent, base, method, path, options);
  return { status: reply.status, body: reply.text === "" ? null : JSON.parse(reply.text), ms: reply.ms, at: performance.now() };
}

// Runs `work(item, index)` over `items`, `width` at a time; → the results in order.
export async function inBatches(items, width, work) {
  const results = [];
  for (let i = 0; i < items.length; i += width) {
    results.push(...(await Promise.all(items.slice(i, i + width).map((item, j) => work(item, i + j)))));
  }
  return results;
}

// A permutation of slot indices, hottest first: evenings (17:00-21:00
// local) of the nearest days lead; the rest by day, shuffled within it.
export function hotOrder(slots, random) {
  const scores = slots.map((slot) => (slot.evening ? 0 : 100) + slot.day + random());
  return slots.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
}

// percentile of a sorted array (nearest rank).
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 100) / 100;
}

export function summarise(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: percentile(sorted, 100) };
}

const EXPECTED = { attempt: new Set([200, 409]), confirm: new Set([200]), cancel: new Set([200]) };

// The sizes of the batches in which slow replies arrived: replies ending
// within 5 ms of the one before count as one batch.
function batches(slow) {
  const ends = slow.map(([sentAt, ms]) => sentAt + ms).sort((a, b) => a - b);
  const sizes = [];
  ends.forEach((end, i) => {
    if (i > 0 && end - ends[i - 1] <= 5) sizes[sizes.length - 1]++;
    else sizes.push(1);
  });
  return sizes;
}

// The HTTP transport: each command one request on a shared keep-alive
// agent. A transport's commands resolve to a reply {status, text, ms,
// reused?, close?, body?} (text: what the reply's size counts; body: the
// parsed reply body when the transport parsed it already).
export function httpTransport({ url, facilityId, clients }) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  return {
    attempt: (member, slot) => send(agent, url, "POST", "/api/realtime/attempt", {
      token: member.token,
      body: { facilityId, courtId: slot.courtId, startTime: slot.startTime, endTime: slot.endTime, memberId: member.memberId },
    }),
    confirm: (member, reservationId) => send(agent, url, "POST", "/api/realtime/confirm", { token: member.token, body: { facilityId, reservationId } }),
    cancel: (owner, reservationId) => send(agent, url, "DELETE", `/api/reservations/${reservationId}`, { token: owner.token }),
    close: () => agent.destroy(),
  };
}

// Drives the load. `members[i]`: client i's members, [{memberId, token}].
// `slots`: [{courtId, startTime, endTime, day, evening}]. `transport`
// (default HTTP): {open?(members), record?(from), attempt(member, slot),
// confirm(member, id), cancel(owner, id), stats?(), close()}.
export async function runLoad({ url, facilityId, slots, members, durationMs, warmupMs, seed, zipfS = 1.0, transport, runtimeCpuMs = () => null, runtimeWrittenBytes = () => null }) {
  const clients = members.length;
  transport ??= httpTransport({ url, facilityId, clients });
  await transport.open?.(members);
  const order = hotOrder(slots, generator(seed));
  const stats = {};
  for (const op of ["attempt", "confirm", "cancel"]) {
    stats[op] = { latencies: [], statuses: {}, bytes: 0, ok: 0, errors: [], newConnections: {}, closed: {}, slowNew: 0, slowReused: 0 };
  }
  // How late the generator's own event loop runs its callbacks (a blocked
  // generator would show as latency it did not measure).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const timeline = []; // per second of the recorded run: [requests completed, slowest ms]
  const everConfirmed = new Map(); // reservation id → {memberId, token, slot}
  const mine = Array.from({ length: clients }, () => []);
  const started = performance.now();
  const recordFrom = started + warmupMs;
  let cpuFrom = null; // the generator's CPU time when recording starts
  setTimeout(() => { cpuFrom = process.cpuUsage(); }, warmupMs).unref();
  const deadline = recordFrom + durationMs;
  // The runtime's CPU time over the recorded run (null where unknown).
  const runtimeCpu = {};
  setTimeout(() => (runtimeCpu.from = runtimeCpuMs()), warmupMs).unref();
  setTimeout(() => (runtimeCpu.to = runtimeCpuMs()), warmupMs + durationMs).unref();
  // And the bytes it wrote (its storage, D1's, their journals, its replies).
  const runtimeWritten = {};
  setTimeout(() => (runtimeWritten.from = runtimeWrittenBytes()), warmupMs).unref();
  setTimeout(() => (runtimeWritten.to = runtimeWrittenBytes()), warmupMs + durationMs).unref();
  transport.record?.(recordFrom);

  const slow = []; // [sent at, ms, op, status, reused] of the first 5,000 replies taking 500 ms or more, from recordFrom
  const call = async (op, command) => {
    const sentAt = performance.now();
    const reply = await command();
    const now = performance.now();
    if (now >= recordFrom) {
      const second = Math.floor((now - recordFrom) / 1000);
      timeline[second] ??= [0, 0];
      timeline[second][0]++;
      timeline[second][1] = Math.max(timeline[second][1], Math.round(reply.ms));
      const s = stats[op];
      s.latencies.push(reply.ms);
      s.statuses[reply.status] = (s.statuses[reply.status] ?? 0) + 1;
      if (reply.status === 200) {
        s.ok++;
        s.bytes += Buffer.byteLength(reply.text);
      }
      // A request on a fresh connection, and a reply closing its own, by status.
      if (reply.reused === false) s.newConnections[reply.status] = (s.newConnections[reply.status] ?? 0) + 1;
      if (reply.close) s.closed[reply.status] = (s.closed[reply.status] ?? 0) + 1;
      if (reply.ms >= 500) {
        if (slow.length < 5000) slow.push([Math.round(sentAt - recordFrom), Math.round(reply.ms), op, reply.status, reply.reused]);
        if (reply.reused === false) s.slowNew++;
        else s.slowReused++;
      }
      if (!EXPECTED[op].has(reply.status) && s.errors.length < 10) s.errors.push(`${reply.status} ${reply.text.slice(0, 200)}`);
    }
    return reply;
  };

  const loop = async (i) => {
    const random = generator(seed + 1 + i);
    const pick = zipf(slots.length, zipfS, random);
    let turn = 0;
    while (performance.now() < deadline) {
      const member = members[i][turn++ % members[i].length];
      const slot = slots[order[pick()]];
      const attempt = await call("attempt", () => transport.attempt(member, slot));
      if (attempt.status === 200) {
        const { reservationId } = attempt.body ?? JSON.parse(attempt.text);
        const confirm = await call("confirm", () => transport.confirm(member, reservationId));
        if (confirm.status === 200) {
          mine[i].push(reservationId);
          everConfirmed.set(reservationId, { ...member, slot });
        }
      }
      if (mine[i].length > 0 && random() < 0.3) {
        const index = Math.floor(random() * mine[i].length);
        const id = mine[i][index];
        const cancel = await call("cancel", () => transport.cancel(everConfirmed.get(id), id));
        if (cancel.status === 200) mine[i].splice(index, 1);
      }
    }
  };
  await Promise.all(members.map((_, i) => loop(i)));
  const seconds = (performance.now() - recordFrom) / 1000;
  const cpu = process.cpuUsage(cpuFrom ?? undefined);
  loopDelay.disable();
  const transportStats = transport.stats?.(seconds);
  await transport.close();

  const endpoints = {};
  for (const [op, s] of Object.entries(stats)) {
    const unexpected = Object.entries(s.statuses).filter(([status]) => !EXPECTED[op].has(Number(status)));
    endpoints[op] = {
      perSecond: Math.round((s.latencies.length / seconds) * 10) / 10,
      okPerSecond: Math.round((s.ok / seconds) * 10) / 10,
      latencyMs: summarise(s.latencies),
      statuses: s.statuses,
      errors: unexpected.reduce((sum, [, n]) => sum + n, 0),
      errorSamples: s.errors,
      replyBytes: s.ok === 0 ? 0 : Math.round(s.bytes / s.ok),
      newConnections: s.newConnections,
      connectionClose: s.closed,
      slowOnNewConnection: s.slowNew,
      slowOnReusedConnection: s.slowReused,
    };
  }
  const requests = Object.values(stats).reduce((sum, s) => sum + s.latencies.length, 0);
  const all = summarise(Object.values(stats).flatMap((s) => s.latencies));
  return {
    seconds: Math.round(seconds * 100) / 100,
    clients,
    requestsPerSecond: Math.round((requests / seconds) * 10) / 10,
    attemptsPerSecond: endpoints.attempt.perSecond,
    confirmsPerSecond: endpoints.confirm.okPerSecond,
    latencyMs: all,
    runtimeCpuMsPerRequest: runtimeCpu.from == null || runtimeCpu.to == null ? null : Math.round(((runtimeCpu.to - runtimeCpu.from) / requests) * 1000) / 1000,
    runtimeBytesWrittenPerRequest: runtimeWritten.from == null || runtimeWritten.to == null ? null : Math.round((runtimeWritten.to - runtimeWritten.from) / requests),
    endpoints,
    timeline: Array.from(timeline, (entry) => entry ?? [0, 0]),
    slow,
    slowBatches: batches(slow),
    // The share of one core the generator used while recording (near 1: it
    // may be what limits the rate).
    generatorCpuShare: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100) / 100,
    generatorLoopDelayMs: { p99: Math.round(loopDelay.percentile(99) / 1e4) / 100, max: Math.round(loopDelay.max / 1e4) / 100 },
    ...(transportStats === undefined ? {} : { transport: transportStats }),
    believed: new Set(mine.flat()),
    everConfirmed,
  };
}
