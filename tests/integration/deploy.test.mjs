// deploy.test.mjs: `wrangler deploy --dry-run` accepts the configuration
// (the Durable Object, D1 and KV bindings) and bundles the Worker with the
// wasm module, without deploying anything.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT, WRANGLER } from "./harness.mjs";

test("wrangler deploy --dry-run bundles the Worker and its wasm module", () => {
  const outdir = mkdtempSync(join(tmpdir(), "courtside-deploy-"));
  try {
    const run = spawnSync(WRANGLER, ["deploy", "--dry-run", "--outdir", outdir], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      encoding: "utf8",
    });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /FACILITY \(FacilityObject\)/);
    assert.match(run.stdout, /SESSIONS .*KV Namespace/);
    assert.match(run.stdout, /DB \(courtside\)/);
    const wasm = readdirSync(outdir).filter((file) => file.endsWith(".wasm"));
    assert.equal(wasm.length, 1, `one wasm module in ${readdirSync(outdir)}`);
    assert.deepEqual(
      readFileSync(join(outdir, wasm[0])),
      readFileSync(join(ROOT, "build/wasi/courtside-wasi.wasm")),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
