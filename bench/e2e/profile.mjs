// profile.mjs: where a request's time goes inside Courtside's isolate. Uses
// workerd's inspector (the DevTools protocol's CPU profiler on the
// Worker's target) over the recorded part of a run, then sorts the
// samples' self time into: the core (the wasm module); our frames (the
// functions of edge/ and glue/, with the runtime's work they call that the
// profiler does not show as a frame of its own: a Durable Object stub's
// call, SQLite's `exec`, reading a body); the runtime's functions shown as
// frames of their own under ours (`transactionSync`, `Response`, `fetch`);
// the local runtime's own JavaScript (Miniflare's and the D1 binding's code
// in this isolate); the rest of the runtime's work on the isolate's thread
// ("(program)"); and the garbage collector. It also samples the
// JavaScript heap's allocations and sorts their bytes by who made them
// (summarizeAllocations). The profiler's sampling slows the isolate
// (about a fifth more runtime CPU a request here), so the shares say more
// than the absolute figures. run.mjs --profile uses it; docs/PERFORMANCE.md
// explains the figures.

import { WORKER_NAME } from "./runtime.mjs";

// The Worker's target, by the name runtime.mjs gives it.
const TARGET = `core:user:${WORKER_NAME}`;
const SAMPLING_INTERVAL_US = 1000;
const ALLOCATION_SAMPLING_BYTES = 16384; // one allocation sampled every this many bytes, on average

// Starts the profiler and V8's sampling allocation profiler on the
// inspector at `port`; returns { stop() }, which resolves to {cpu,
// allocations}: the protocol's Profiler.Profile and
// HeapProfiler.SamplingHeapProfile, the latter with the objects the
// collector has freed since (every allocation sampled, not the survivors).
export async function startProfile(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const target = targets.find((t) => t.title.endsWith(TARGET) || t.webSocketDebuggerUrl.endsWith(`/${TARGET}`));
  if (target === undefined) throw new Error(`no inspector target ${TARGET} among ${targets.map((t) => t.title).join(", ")}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  let next = 0;
  const pending = new Map();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.id === undefined || !pending.has(message.id)) return;
    const { resolve, reject } = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) reject(new Error(`${message.error.message} (inspector)`));
    else resolve(message.result);
  });
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  await call("Profiler.start");
  await call("HeapProfiler.enable");
  await call("HeapProfiler.startSampling", {
    samplingInterval: ALLOCATION_SAMPLING_BYTES,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async stop() {
      const { profile: cpu } = await call("Profiler.stop");
      const { profile: allocations } = await call("HeapProfiler.stopSampling");
      socket.close();
      return { cpu, allocations };
    },
  };
}

// Whether a frame's source (a profile's url, or perf's symbol with its
// file:line:column last) is ours: a file of edge/ or glue/. perf.mjs too.
export const isOurSource = (text) => /(^|[\s/])(edge|glue)\/[^\s/]+\.m?js(:\d+)*$/.test(text);

// Whose a node's self time is (see the top of the file).
function category(node, ourCaller) {
  const { url, functionName } = node.callFrame;
  if (functionName === "(idle)") return "idle";
  if (functionName === "(program)" || functionName === "(root)") return "program";
  if (functionName === "(garbage collector)") return "gc";
  if (url.startsWith("wasm://")) return "core";
  if (isOurSource(url)) return "ourFrames";
  if (url === "") return ourCaller ? "runtimeUnderOurs" : "runtimeJs";
  return "runtimeJs";
}

// The profile's self time by category, in ms in all and per request of
// the `requests` completed while it ran, and the share of the isolate's
// busy time in the core and our frames together.
export function summarizeProfile(profile, requests) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // Whether each node has our JavaScript (or the core) among its callers.
  const ourCaller = new Map();
  const visit = (node, under) => {
    ourCaller.set(node.id, under);
    const mine = isOurSource(node.callFrame.url) || node.callFrame.url.startsWith("wasm://");
    for (const child of node.children ?? []) visit(byId.get(child), under || mine);
  };
  visit(profile.nodes.find((node) => node.callFrame.functionName === "(root)") ?? profile.nodes[0], false);
  const totals = { core: 0, ourFrames: 0, runtimeUnderOurs: 0, runtimeJs: 0, program: 0, gc: 0, idle: 0 };
  const functions = new Map(); // "category name url:line" -> ms
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const kind = category(node, ourCaller.get(node.id));
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totals[kind] += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${kind} ${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
    if (kind !== "idle") functions.set(key, (functions.get(key) ?? 0) + ms);
  }
  const busy = Object.entries(totals).reduce((sum, [name, ms]) => (name === "idle" ? sum : sum + ms), 0);
  const round = (value, digits) => Math.round(value * 10 ** digits) / 10 ** digits;
  return {
    samplingIntervalUs: SAMPLING_INTERVAL_US,
    requests,
    ms: Object.fromEntries(Object.entries(totals).map(([name, ms]) => [name, round(ms, 1)])),
    msPerRequest: Object.fromEntries(Object.entries(totals).map(([name, ms]) => [name, round(ms / requests, 4)])),
    coreAndOurFramesShareOfBusy: round((totals.core + totals.ourFrames) / busy, 3),
    // The functions with the most self time: "category name file:line".
    top: [...functions].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([key, ms]) => [key, round(ms, 1)]),
  };
}

// Who allocated the bytes of the JavaScript heap (a SamplingHeapProfile from
// startProfile), in bytes a request of the `requests` completed: our code
// (the allocation's innermost frame with a source is one of edge/ or glue/,
// V8's built-ins under it and the runtime's objects made for our calls
// included), the local runtime's JavaScript, and the runtime outside any
// JavaScript (the objects it makes for a request before calling a
// handler). The collector's work grows with what is allocated, so
// `ourShare` is the share of its time that our code causes, roughly.
export function summarizeAllocations(profile, requests) {
  const bytes = { ours: 0, runtimeJs: 0, outsideJs: 0 };
  const visit = (node, owner) => {
    const { url } = node.callFrame;
    const here = url === "" ? owner : isOurSource(url) ? "ours" : "runtimeJs";
    bytes[here] += node.selfSize;
    for (const child of node.children ?? []) visit(child, here);
  };
  visit(profile.head, "outsideJs");
  const total = bytes.ours + bytes.runtimeJs + bytes.outsideJs;
  return {
    samplingBytes: ALLOCATION_SAMPLING_BYTES,
    bytesPerRequest: Object.fromEntries(Object.entries(bytes).map(([name, n]) => [name, Math.round(n / requests)])),
    ourShare: total === 0 ? 0 : Math.round((1000 * bytes.ours) / total) / 1000,
  };
}
