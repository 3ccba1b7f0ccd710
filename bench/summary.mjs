// summary.mjs: prints the results in build/bench/*.json as the Markdown
// tables of docs/PERFORMANCE.md, so the document is copied from a run and
// never typed by hand. Usage: node bench/summary.mjs
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(new URL("..", import.meta.url).pathname, "build/bench");
const read = (name) => (existsSync(join(DIR, name)) ? JSON.parse(readFileSync(join(DIR, name), "utf8")) : null);
const us = (ns) => (ns / 1000).toLocaleString("en-US", { maximumFractionDigits: 1 });
const n = (value) => value.toLocaleString("en-US");

const core = read("core.json");
const workerd = read("core-workerd.json")?.results ?? {};
if (core !== null) {
  console.log(`### Core (${core.date}, ${core.runs} runs, median)\n`);
  console.log("| workload | timed commands | native µs/command | native commands/s | wasm (Node) µs/command | wasm (Node) commands/s | wasm/native | module alone µs/command | module alone/native | wasm + JSON.parse µs | wasm (workerd) µs/command | workerd/native | statuses |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const [name, { native, wasm, wasmOverNative, moduleAloneOverNative }] of Object.entries(core.results)) {
    const statuses = Object.entries(native.statuses).map(([s, c]) => `${s}: ${n(c)}`).join(", ");
    const w = workerd[name];
    const wCells = !w ? "- | -" : w.nsPerCommand === null ? "below the noise | -"
      : `${us(w.nsPerCommand)} | ${Math.round((w.nsPerCommand / native.nsPerCommand) * 100) / 100}`;
    console.log(`| ${name} | ${n(native.timedCommands)} | ${us(native.nsPerCommand)} | ${n(native.commandsPerSecond)} | ${us(wasm.nsPerCommand)} | ${n(wasm.commandsPerSecond)} | ${wasmOverNative} | ${wasm.nsPerCommandModuleAlone === undefined ? "-" : us(wasm.nsPerCommandModuleAlone)} | ${moduleAloneOverNative ?? "-"} | ${us(wasm.nsPerCommandWithParse)} | ${wCells} | ${statuses} |`);
  }
  const memory = core.results.memory?.native;
  const memoryWasm = core.results.memory?.wasm;
  if (memory) {
    console.log(`\nMemory: cs_facility ${n(memory.facilityBytes)} bytes (fixed), a reservation row ${memory.reservationBytes} bytes; ` +
      `${n(memory.reservationsInMemory)} live reservations snapshot to ${n(memory.snapshotBytes)} bytes; ` +
      `restoring it: native ${us(memory.restoreNs)} µs, wasm (fresh instance) ${us(memoryWasm.restoreNs)} µs.`);
  }
  const ticks = core.results.reminder_ticks?.native;
  if (ticks) console.log(`Reminder ticks: ${n(ticks.reminders)} reminders sent by ${n(ticks.timedCommands)} hourly ticks.`);
  console.log("");
}

// One end-to-end report (e2e.json over HTTP, ws.json over WebSockets).
function endToEnd(report, title, unit) {
  if (report === null) return;
  const o = report.options;
  console.log(`### ${title} (${report.date}; ${o.clients} clients${o.membersPerClient && report.transport === "ws" ? ` × ${o.membersPerClient} sockets` : ""}, ${o.durationS} s after ${o.warmupS} s warm-up)\n`);
  console.log(`| target | ${unit}/s | attempts/s | confirms/s | attempt p50/p95/p99 ms | confirm p50/p95/p99 ms | cancel p50/p95/p99 ms | all p99 ms | errors |`);
  console.log("| --- | ---: | ---: | ---: | --- | --- | --- | ---: | ---: |");
  for (const name of ["courtside", "baseline"]) {
    const r = report[name];
    if (!r) continue;
    const lat = (op) => `${r.endpoints[op].latencyMs.p50} / ${r.endpoints[op].latencyMs.p95} / ${r.endpoints[op].latencyMs.p99}`;
    const errors = ["attempt", "confirm", "cancel"].reduce((sum, op) => sum + r.endpoints[op].errors, 0);
    console.log(`| ${name} | ${r.requestsPerSecond} | ${r.attemptsPerSecond} | ${r.confirmsPerSecond} | ${lat("attempt")} | ${lat("confirm")} | ${lat("cancel")} | ${r.latencyMs.p99} | ${errors} |`);
  }
  if (report.courtside) {
    const s = (op) => JSON.stringify(report.courtside.endpoints[op].statuses);
    console.log(`\nCourtside statuses: attempt ${s("attempt")}, confirm ${s("confirm")}, cancel ${s("cancel")}.`);
    console.log(`Audit: ${JSON.stringify(report.courtside.audit)}`);
    const t = report.courtside.transport;
    if (t) {
      console.log(`Courtside's sockets: ${t.sockets}; other frames received ${n(t.otherFramesPerSecond)}/s ${JSON.stringify(t.otherFrames)}; ` +
        `waits for the limits ${t.limitWaits} (${n(t.limitWaitMs)} ms in all); sockets closed ${t.socketsClosed.length}.`);
    }
  }
  if (report.courtside && report.baseline) {
    const bytes = (op) => report.courtside.endpoints[op].replyBytes;
    console.log(`Reply sizes (Courtside's, the baseline padded to them): attempt ${bytes("attempt")}, confirm ${bytes("confirm")}, cancel ${bytes("cancel")} bytes.`);
  }
  const c = report.comparison;
  if (report.rounds?.length > 1) {
    console.log(`The table is round 1 of ${report.rounds.length}; every round (${unit}/s, p99 ms, runtime CPU ms/request, runtime bytes written/request):`);
    for (const r of report.rounds) {
      const f = (x) => (x ? `${x.perSecond} / ${x.p99Ms} / ${x.runtimeCpuMsPerRequest} / ${x.runtimeBytesWrittenPerRequest ?? "-"}` : "-");
      console.log(`- round ${r.round}: Courtside ${f(r.courtside)}, baseline ${f(r.baseline)}; ratios ${r.requestsPerSecondRatio ?? "-"} and ${r.p99Ratio ?? "-"}`);
    }
  }
  if (c) {
    const of = c.rounds > 1 ? ` (medians of ${c.rounds} rounds)` : "";
    console.log(`Courtside/baseline${of}: ${unit}/s ${c.requestsPerSecondRatio}, p99 ${c.p99Ratio} (targets: ${c.targets}; met: ${c.met}).`);
    if (c.memberLimitPerSecond !== undefined) {
      const over = c.roundsOverMemberLimit.length === 0 ? "none" : c.roundsOverMemberLimit.join(", ");
      console.log(`The member limit lets Courtside take at most ${c.memberLimitPerSecond} ${unit}/s from these members; rounds whose baseline needs more for 0.9x: ${over}.`);
    }
  }
  console.log("");
}
endToEnd(read("e2e.json"), "End to end", "requests");
endToEnd(read("ws.json"), "End to end over WebSockets", "messages");

const fanout = read("fanout.json");
if (fanout !== null) {
  const w = fanout.lastWatcherMs;
  console.log(`### Fan-out (${fanout.date}): ${fanout.sockets} sockets, ${fanout.rounds} confirms: last watcher p50/p95/p99/max ` +
    `${w.p50}/${w.p95}/${w.p99}/${w.max} ms; median watcher p50 ${fanout.medianWatcherMs.p50} ms\n`);
}
const recovery = read("recovery.json");
if (recovery !== null) {
  console.log(`### Recovery (${recovery.date}): ${n(recovery.reservations)} live reservations, snapshot ${n(recovery.snapshotBytes)} bytes: ` +
    `first request ${recovery.fromSnapshot.medianFirstMs} ms (recovery ≈ ${recovery.fromSnapshot.medianRecoveryMs} ms); ` +
    `with ${recovery.tail} logged commands after it: ${recovery.fromSnapshotAndTail.medianFirstMs} ms (≈ ${recovery.fromSnapshotAndTail.medianRecoveryMs} ms)` +
    (recovery.withoutSnapshot
      ? `; no snapshot, ${n(recovery.withoutSnapshot.logLength)} logged commands replayed: ${recovery.withoutSnapshot.medianFirstMs} ms ` +
        `(≈ ${recovery.withoutSnapshot.medianRecoveryMs} ms)`
      : "") + "\n");
}
const footprint = read("footprint.json");
if (footprint !== null) {
  const wasm = Object.entries(footprint.wasm).map(([path, s]) => `${path.split("/").pop()} ${n(s.bytes)} bytes (${n(s.gzipBytes)} gzipped)`).join("; ");
  console.log(`### Footprint (${footprint.date}): ${wasm}; Worker bundle ${n(footprint.bundleTotal.bytes)} bytes (${n(footprint.bundleTotal.gzipBytes)} gzipped), ` +
    `of which worker.js ${n(footprint.bundle["worker.js"].bytes)} bytes\n`);
}
