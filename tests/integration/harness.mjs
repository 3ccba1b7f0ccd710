// harness.mjs: the integration tests' view of the real local runtime. Starts
// `wrangler dev` (workerd with local Durable Objects and D1) on a free port
// with its state in a fresh temporary directory, and offers small HTTP
// helpers and the test facility's configuration.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localDate, localInstant } from "../../scripts/local-time.mjs";
import { waitForServer } from "../../scripts/wait-for-server.mjs";

export const ROOT = new URL("../..", import.meta.url).pathname;
export const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
export const ADMIN_TOKEN = "test-token";
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false" };
const DEMO = JSON.parse(readFileSync(join(ROOT, "scripts/demo-facility.json"), "utf8"));

// Runtimes still running; killed if this process ends first (a failed
// test, Ctrl-C), since their detached process groups would outlive it.
const running = new Set();
process.on("exit", () => {
  for (const pid of running) killGroup(pid);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(1));

// A wrangler dev server. Its state stays in `persistTo`: a second server
// started on the same directory shows what survived a restart.
export class Stack {
  // `persistTo` defaults to a fresh temporary directory; `vars` override
  // the Worker's variables (development mode, the test admin token).
  static async start({ persistTo = mkdtempSync(join(tmpdir(), "courtside-test-")), vars = {} } = {}) {
    const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "courtside", "--local", "--persist-to", persistTo], {
      cwd: ROOT,
      env: ENV,
      encoding: "utf8",
    });
    if (migrate.status !== 0) throw new Error(`d1 migrations apply failed:\n${migrate.stdout}${migrate.stderr}`);
    const stack = new Stack(persistTo, await freePort(), { ENVIRONMENT: "development", ADMIN_TOKEN, ...vars });
    try {
      await waitForServer(stack.url, { gone: () => stack.#exited });
    } catch (error) {
      await stack.kill();
      throw new Error(`${error.message}\n${stack.#output}`);
    }
    return stack;
  }

  #process;
  #exited = false;
  #output = "";

  constructor(persistTo, port, vars) {
    this.persistTo = persistTo;
    this.url = `http://127.0.0.1:${port}`;
    // Detached: wrangler leads a process group that includes workerd, so
    // the whole runtime can be killed at once.
    this.#process = spawn(
      WRANGLER,
      [
        "dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistTo,
        // --var wins over a developer's .dev.vars, so every variable is given.
        ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
      ],
      { cwd: ROOT, env: ENV, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    const keep = (chunk) => {
      this.#output = (this.#output + chunk).slice(-20_000);
    };
    this.#process.stdout.on("data", keep);
    this.#process.stderr.on("data", keep);
    running.add(this.#process.pid);
    this.#process.on("exit", () => {
      this.#exited = true;
    });
  }

  // Kills the runtime abruptly (SIGKILL to the whole process group) and
  // waits until wrangler is gone; the persisted state stays.
  async kill() {
    const exited = this.#exited ? null : new Promise((resolve) => this.#process.once("exit", resolve));
    killGroup(this.#process.pid);
    running.delete(this.#process.pid);
    await exited;
  }

  // Stops the runtime and deletes its state.
  async stop() {
    await this.kill();
    rmSync(this.persistTo, { recursive: true, force: true });
  }

  // fetch() relative to the server; resolves to {status, headers, body}
  // with the body parsed as JSON when there is one.
  async request(path, { method = "GET", body, headers = {} } = {}) {
    const init = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
      init.headers["Content-Type"] ??= "application/json";
    }
    const response = await fetch(`${this.url}${path}`, init);
    const text = await response.text();
    let parsed = null;
    try {
      if (text !== "") parsed = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path}: ${response.status} with a body that is not JSON: ${text.slice(0, 300)}`);
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  post(path, body, headers) {
    return this.request(path, { method: "POST", body, headers });
  }

  // Configures a facility like the demo one, under `facilityId`, with
  // `changes` applied; asserts it worked.
  async configure(facilityId, changes = {}) {
    const config = { ...DEMO, facilityId, name: `Test ${facilityId}`, ...changes };
    const reply = await this.request(`/api/facilities/${facilityId}`, {
      method: "PUT",
      body: config,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    if (reply.status !== 200) throw new Error(`configure ${facilityId}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return config;
  }

  // The facility's current sequence number, from the availability ETag.
  async seq(facilityId, date) {
    const reply = await this.request(`/api/realtime/availability?facilityId=${facilityId}&date=${date}`);
    return reply.headers.get("ETag");
  }
}

// A date a few days ahead in the test facilities' zone, and the instant of
// a wall-clock time on it: always in the future and inside opening hours
// for the times the tests use (06:00-21:00).
export const TIME_ZONE = DEMO.timeZone;
export const DATE = localDate(TIME_ZONE, 3);
export function at(time, date = DATE) {
  return localInstant(date, time, TIME_ZONE);
}

// Asserts `reply` is the API's error `code` with `status`.
export function assertError(reply, status, code, what) {
  assert.equal(reply.status, status, what);
  assert.equal(reply.body?.success, false, what);
  assert.equal(reply.body.error, code, what);
  assert.equal(typeof reply.body.message, "string", what);
}

function killGroup(pid) {
  try {
    process.kill(-pid, "SIGKILL");
  } catch (error) {
    if (error.code !== "ESRCH") throw error; // ESRCH: the group is gone already
  }
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
