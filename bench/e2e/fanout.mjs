// fanout.mjs: the WebSocket fan-out benchmark. Serves Courtside's Worker on
// the local runtime (runtime.mjs), configures facility `bench`, opens
// `--sockets` watchers (1,000 by default: MAX_SOCKETS_PER_FACILITY) on
// /api/realtime/websocket, then `--rounds` times holds and confirms a slot
// over HTTP and measures, from the moment the confirm's reply arrives, how
// long until every watcher has its `slot_reserved` (and the median
// watcher). The watchers run in this process, on the same machine, so the
// figure includes Node receiving 1,000 frames. Writes build/bench/fanout.json.
//
// Usage: node --experimental-websocket bench/e2e/fanout.mjs [--sockets 1000] [--rounds 100]
// (100 rounds, so the p99 is a percentile and not the one slowest of 20)
import { mkdirSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { localDate, localInstant } from "../../scripts/local-time.mjs";
import { facilityConfig } from "../core/workloads.mjs";
import { sendJson as json, summarise } from "./load.mjs";
import { ADMIN_TOKEN, ROOT, startRuntime } from "./runtime.mjs";

const { values: options } = parseArgs({
  options: { sockets: { type: "string", default: "1000" }, rounds: { type: "string", default: "100" } },
});
const SOCKETS = Number(options.sockets);
const ROUNDS = Number(options.rounds);
const FACILITY = "bench";
const config = facilityConfig();
const date = localDate(config.timeZone, 1);

// A watcher: resolves once open and its initial_state arrived; `arrivals`
// maps "court start" to when its slot_reserved came.
function watch(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace("http", "ws")}/api/realtime/websocket?facilityId=${FACILITY}&date=${date}`);
    const watcher = { ws, arrivals: new Map() };
    ws.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "initial_state") resolve(watcher);
      if (message.type === "slot_reserved") watcher.arrivals.set(`${message.courtId} ${message.startTime}`, performance.now());
    });
    ws.addEventListener("error", () => reject(new Error("a watcher failed to connect")), { once: true });
  });
}

const runtime = await startRuntime("wrangler.toml");
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
try {
  const configured = await json(agent, runtime.url, "PUT", `/api/facilities/${FACILITY}`, { token: ADMIN_TOKEN, body: config });
  if (configured.status !== 200) throw new Error(`configure: ${configured.status}`);
  const watchers = [];
  for (let i = 0; i < SOCKETS; i += 50) {
    watchers.push(...(await Promise.all(Array.from({ length: Math.min(50, SOCKETS - i) }, () => watch(runtime.url)))));
  }
  // Enough members that each stays under the per-member request limit
  // (30 per 10 s) however fast the rounds go: a member books at most 10
  // rounds, two requests each. (With 4, a fast run was refused with 429.)
  const bookers = [];
  for (let i = 0; i < Math.max(4, Math.ceil(ROUNDS / 10)); i++) {
    const minted = await json(agent, runtime.url, "POST", "/api/dev/token", { body: { memberId: `fan-${i}`, role: "member" } });
    bookers.push({ memberId: `fan-${i}`, token: minted.body.token });
  }
  const last = [];
  const median = [];
  for (let round = 0; round < ROUNDS; round++) {
    const booker = bookers[round % bookers.length];
    const courtId = config.courts[round % config.courts.length].courtId;
    const startTime = localInstant(date, `${String(6 + Math.floor(round / config.courts.length)).padStart(2, "0")}:00`, config.timeZone);
    const endTime = new Date(Date.parse(startTime) + 3_600_000).toISOString().replace(".000Z", "Z");
    const held = await json(agent, runtime.url, "POST", "/api/realtime/attempt", {
      token: booker.token, body: { facilityId: FACILITY, courtId, startTime, endTime, memberId: booker.memberId },
    });
    if (held.status !== 200) throw new Error(`attempt: ${held.status} ${JSON.stringify(held.body)}`);
    const confirmed = await json(agent, runtime.url, "POST", "/api/realtime/confirm", {
      token: booker.token, body: { facilityId: FACILITY, reservationId: held.body.reservationId },
    });
    if (confirmed.status !== 200) throw new Error(`confirm: ${confirmed.status}`);
    const key = `${courtId} ${startTime}`;
    const deadline = performance.now() + 30_000;
    while (watchers.some((w) => !w.arrivals.has(key)) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const arrivals = watchers.map((w) => w.arrivals.get(key) ?? Infinity).sort((a, b) => a - b);
    last.push(arrivals.at(-1) - confirmed.at);
    median.push(arrivals[arrivals.length >> 1] - confirmed.at);
  }
  for (const w of watchers) w.ws.close();
  const report = {
    date: new Date().toISOString(),
    sockets: SOCKETS,
    rounds: ROUNDS,
    note: "ms from the confirm's HTTP reply to the last (and the median) watcher's slot_reserved; negative: the frame came first",
    lastWatcherMs: summarise(last),
    medianWatcherMs: summarise(median),
  };
  mkdirSync(join(ROOT, "build/bench"), { recursive: true });
  writeFileSync(join(ROOT, "build/bench/fanout.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`fan-out to ${SOCKETS} sockets over ${ROUNDS} confirms: last watcher ${JSON.stringify(report.lastWatcherMs)} ms; median watcher ${JSON.stringify(report.medianWatcherMs)} ms`);
} finally {
  agent.destroy();
  await runtime.stop();
}
