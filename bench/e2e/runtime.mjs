// runtime.mjs: a Worker served by the local runtime for the end-to-end
// benchmark, through Miniflare directly (the miniflare package wrangler
// depends on: workerd with local Durable Objects, D1, KV and Queues). The
// Worker's options come from its wrangler.toml exactly as wrangler dev reads
// them (wrangler's unstable_getMiniflareWorkerOptions: bindings, module
// rules, compatibility date, queues), its modules are loaded unbundled from
// the source tree, and its state persists in a fresh temporary directory,
// on disk as under `npm start`. Variables are those `npm start` writes to
// .dev.vars (development mode, an admin token, a session secret).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Miniflare } from "miniflare";
import workerd from "workerd"; // its `default`: the binary Miniflare starts
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from "wrangler";

export const ROOT = new URL("../..", import.meta.url).pathname;
export const ADMIN_TOKEN = "bench-admin-token";
const SESSION_SECRET = "bench-session-secret";

// The Worker's name in the runtime; its inspector target is
// `core:user:${WORKER_NAME}` (profile.mjs).
export const WORKER_NAME = "bench";

// Starts the Worker of `config` (a wrangler.toml path) on a free port.
// `vars` override its variables; `migrations`: apply the D1 migrations of
// the config's migrations_dir first; `persist`: the state's directory
// (default a fresh one); `inspectorPort`: open workerd's inspector there;
// `v8Flags`: flags for workerd's V8 (workerd-v8-flags.sh).
// Returns {url, mf, persist, stop({keep})}: keep leaves the state for
// another runtime to start on.
export async function startRuntime(config, { vars = {}, migrations = true, persist = null, inspectorPort, v8Flags = [] } = {}) {
  const configPath = resolve(ROOT, config);
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(configPath);
  persist ??= mkdtempSync(join(tmpdir(), "courtside-bench-"));
  const restoreEnv = v8Flags.length > 0 ? withV8FlagsEnv(v8Flags, join(persist, "workerd-config.bin")) : () => {};
  let mf;
  let url;
  try {
    mf = new Miniflare({
      ...workerOptions,
      name: WORKER_NAME,
      modules: true,
      scriptPath: main,
      modulesRoot: ROOT,
      // wrangler bundles everything else with esbuild; unbundled, the other
      // source files are ES modules.
      modulesRules: [...workerOptions.modulesRules, { type: "ESModule", include: ["**/*.js", "**/*.mjs"] }],
      bindings: { ...workerOptions.bindings, ENVIRONMENT: "development", ADMIN_TOKEN, SESSION_SECRET, ...vars },
      host: "127.0.0.1",
      port: 0,
      durableObjectsPersist: join(persist, "do"),
      d1Persist: join(persist, "d1"),
      kvPersist: join(persist, "kv"),
      // Stray console output would cost time in the measurement.
      verbose: false,
      // `inspectorPort` (run.mjs --profile) opens workerd's inspector there,
      // for a CPU profile (profile.mjs).
      ...(inspectorPort === undefined ? {} : { inspectorPort }),
    });
    url = (await mf.ready).toString().replace(/\/$/, "");
  } finally {
    restoreEnv(); // Miniflare has started workerd by now
  }
  if (migrations && Object.keys(workerOptions.d1Databases ?? {}).length > 0) await migrate(mf, configPath);
  return {
    url,
    mf,
    persist,
    cpuMs: runtimeCpuMs,
    writtenBytes: runtimeWrittenBytes,
    async stop({ keep = false } = {}) {
      await mf.dispose();
      if (!keep) rmSync(persist, { recursive: true, force: true });
    },
  };
}

// Points Miniflare at workerd-v8-flags.sh until the returned function is
// called (Miniflare reads the variable when it starts workerd).
function withV8FlagsEnv(flags, configFile) {
  const names = ["MINIFLARE_WORKERD_PATH", "BENCH_WORKERD", "BENCH_V8_FLAGS", "BENCH_WORKERD_CONFIG"];
  const before = names.map((name) => process.env[name]);
  Object.assign(process.env, {
    MINIFLARE_WORKERD_PATH: join(ROOT, "bench/e2e/workerd-v8-flags.sh"),
    BENCH_WORKERD: process.env.MINIFLARE_WORKERD_PATH ?? workerd.default,
    BENCH_V8_FLAGS: flags.join(" "),
    BENCH_WORKERD_CONFIG: configFile,
  });
  return () => names.forEach((name, i) => {
    if (before[i] === undefined) delete process.env[name];
    else process.env[name] = before[i];
  });
}

// The ids of the workerd processes this process started.
export function runtimePids() {
  return (runtimeProcesses() ?? []).map(({ pid }) => Number(pid));
}

// The CPU time (user and system, ms) the runtime's processes (workerd, the
// children of this process) have used so far, from /proc; null elsewhere.
export function runtimeCpuMs() {
  const ticks = sumOverRuntime((pid, fields) => Number(fields[11]) + Number(fields[12]));
  return ticks === null ? null : (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

// The bytes the runtime's processes have written so far with write calls
// (`wchar` of /proc/PID/io: files, their journals and sockets alike); null
// elsewhere.
export function runtimeWrittenBytes() {
  return sumOverRuntime((pid) => Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? 0));
}

// `value(pid, fields)` summed over runtimeProcesses(); null where /proc
// cannot be read.
function sumOverRuntime(value) {
  const processes = runtimeProcesses();
  if (processes === null) return null;
  let total = 0;
  for (const { pid, fields } of processes) {
    try {
      total += value(pid, fields);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

// The workerd processes this process started, [{pid, fields}] (`fields`:
// fields 3.. of /proc/PID/stat, proc(5)); null where /proc cannot be read.
function runtimeProcesses() {
  let pids;
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const found = [];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === process.pid && stat.includes("(workerd)")) found.push({ pid, fields });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

// Applies migrations/*.sql in order to the DB binding, as `wrangler d1
// migrations apply --local` does (without its bookkeeping table).
async function migrate(mf, configPath) {
  const dir = join(dirname(configPath), "migrations");
  const db = await mf.getD1Database("DB");
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".sql")).sort()) {
    for (const statement of unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8"))) {
      await db.prepare(statement).run();
    }
  }
}
