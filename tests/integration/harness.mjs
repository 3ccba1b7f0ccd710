// harness.mjs: the integration tests' view of the real local runtime. Starts
// `wrangler dev` (workerd with local Durable Objects, D1 and KV) on a free
// port with its state in a fresh temporary directory, and offers small HTTP
// helpers, session tokens (minted by the development endpoint), WebSocket
// clients (Node's global WebSocket: node --experimental-websocket) and the
// test facility's configuration.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localDate, localInstant } from "../../scripts/local-time.mjs";
import { waitForServer } from "../../scripts/wait-for-server.mjs";

export const ROOT = new URL("../..", import.meta.url).pathname;
export const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
export const ADMIN_TOKEN = "test-token";
export const SESSION_SECRET = "test-session-secret";
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
    const ports = { http: await freePort(), inspector: await freePort() };
    const stack = new Stack(persistTo, ports, { ENVIRONMENT: "development", ADMIN_TOKEN, SESSION_SECRET, ...vars });
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
  #tokens = new Map();

  // `ports`: {http, inspector}; a runtime's own inspector port, so two
  // runtimes on one machine (a restart, another test run) never collide.
  constructor(persistTo, ports, vars) {
    this.persistTo = persistTo;
    this.url = `http://127.0.0.1:${ports.http}`;
    // Detached: wrangler leads a process group that includes workerd, so
    // the whole runtime can be killed at once.
    this.#process = spawn(
      WRANGLER,
      [
        "dev", "--port", String(ports.http), "--inspector-port", String(ports.inspector), "--ip", "127.0.0.1",
        "--persist-to", persistTo,
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

  // What the runtime printed lately (for failure messages).
  get output() {
    return this.#output;
  }

  // fetch() relative to the server; resolves to {status, headers, body}
  // with the body parsed as JSON when there is one. `token`: a session
  // token sent as the bearer.
  async request(path, { method = "GET", body, headers = {}, token } = {}) {
    const bearer = token === undefined ? {} : { Authorization: `Bearer ${token}` };
    const init = { method, headers: { ...bearer, ...headers } };
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

  // A session token for `memberId` (role member, staff or admin; staff of
  // `facilities`), minted by POST /api/dev/token; cached per identity.
  async token(memberId, { role = "member", facilities } = {}) {
    const key = JSON.stringify([memberId, role, facilities]);
    if (!this.#tokens.has(key)) {
      const body = facilities === undefined ? { memberId, role } : { memberId, role, facilities };
      const minted = await this.post("/api/dev/token", body);
      if (minted.status !== 201) throw new Error(`minting a token: ${minted.status} ${JSON.stringify(minted.body)}`);
      this.#tokens.set(key, minted.body.token);
    }
    return this.#tokens.get(key);
  }

  // A client acting as `memberId` (see token()).
  async as(memberId, options) {
    return new Client(this, await this.token(memberId, options));
  }

  // A WebSocket on facility `facilityId` (with `token` and `date` when
  // given), open and with its initial_state received.
  async socket(facilityId, { token, date, scope } = {}) {
    const query = new URLSearchParams({ facilityId });
    if (date !== undefined) query.set("date", date);
    if (scope !== undefined) query.set("scope", scope);
    if (token !== undefined) query.set("token", token);
    return TestSocket.open(`${this.url.replace("http", "ws")}/api/realtime/websocket?${query}`);
  }

  // The HTTP status a WebSocket upgrade gets (101 when it is accepted; the
  // socket is then closed at once).
  upgradeStatus(query) {
    return new Promise((resolve, reject) => {
      const request = httpRequest(`${this.url}/api/realtime/websocket?${new URLSearchParams(query)}`, {
        headers: {
          Connection: "Upgrade",
          Upgrade: "websocket",
          "Sec-WebSocket-Version": "13",
          "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
        },
      });
      request.on("upgrade", (response, socket) => {
        socket.destroy();
        resolve({ status: response.statusCode });
      });
      request.on("response", (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode, body: JSON.parse(text) }));
      });
      request.on("error", reject);
      request.end();
    });
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

// A member, staff or admin with a session: the stack's request helpers
// with the bearer token set.
export class Client {
  constructor(stack, token) {
    this.stack = stack;
    this.token = token;
  }

  request(path, options = {}) {
    return this.stack.request(path, { ...options, token: this.token });
  }

  get(path) {
    return this.request(path);
  }

  post(path, body) {
    return this.request(path, { method: "POST", body });
  }

  patch(path, body) {
    return this.request(path, { method: "PATCH", body });
  }

  put(path, body) {
    return this.request(path, { method: "PUT", body });
  }

  delete(path, body) {
    return this.request(path, { method: "DELETE", body });
  }
}

// A WebSocket client that keeps every message it receives, so a test can
// wait for the next one (or the next one matching) without racing.
export class TestSocket {
  static open(url) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new TestSocket(ws);
      ws.addEventListener("open", () => resolve(socket), { once: true });
      ws.addEventListener("error", () => reject(new Error(`WebSocket ${url} failed to open`)), { once: true });
    });
  }

  #ws;
  #messages = [];
  #waiters = [];

  constructor(ws) {
    this.#ws = ws;
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason }));
    });
    ws.addEventListener("message", (event) => {
      this.#messages.push(JSON.parse(event.data));
      this.#wake();
    });
  }

  send(value) {
    this.#ws.send(typeof value === "string" ? value : JSON.stringify(value));
  }

  // The first message not taken yet that matches `predicate`; waits up to
  // `timeoutMs` for it.
  next(predicate = () => true, timeoutMs = 10_000) {
    return new Promise((resolve, reject) => {
      const waiter = { predicate, resolve };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no matching message within ${timeoutMs} ms; have ${JSON.stringify(this.#messages)}`));
      }, timeoutMs);
      waiter.resolve = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.#waiters.push(waiter);
      this.#wake();
    });
  }

  // The next message of `type` (e.g. a broadcast), skipping none of it.
  nextOfType(type, timeoutMs) {
    return this.next((message) => message.type === type, timeoutMs);
  }

  // Sends a command and waits for its reply: {status, body}.
  async command(requestId, command) {
    this.send({ type: "command", requestId, command });
    return this.next((message) => message.type === "reply" && message.requestId === requestId);
  }

  // Messages received and not taken.
  pending() {
    return [...this.#messages];
  }

  close() {
    this.#ws.close();
  }

  #wake() {
    for (const waiter of [...this.#waiters]) {
      const index = this.#messages.findIndex((message) => waiter.predicate(message));
      if (index === -1) continue;
      const [message] = this.#messages.splice(index, 1);
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  }
}

// Polls `probe` until it returns a value other than undefined; fails after
// `timeoutMs` with the last value seen.
export async function eventually(probe, { timeoutMs = 20_000, intervalMs = 100, what = "the condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last !== undefined) return last;
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// A date a few days ahead in the test facilities' zone, and the instant of
// a wall-clock time on it: always in the future and inside opening hours
// for the times the tests use (06:00-21:00).
export const TIME_ZONE = DEMO.timeZone;
export const DATE = localDate(TIME_ZONE, 3);
export function today() {
  return localDate(TIME_ZONE, 0);
}
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
