// wait-for-server.mjs: waits until a local Courtside server answers
// GET /api/facilities with 200 (the Worker is up and its D1 database is
// migrated). Used by the demo seed and the integration test harness.

const POLL_MS = 250;
const POLL_TIMEOUT_MS = 5000;

// Resolves when `baseUrl` answers; rejects after `timeoutMs`, or as soon as
// `gone()` returns true (the server process exited).
export async function waitForServer(baseUrl, { timeoutMs = 120_000, gone = () => false } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone()) {
    try {
      // A runtime that accepts connections but never answers (its Worker
      // failed to build) must not hold the wait past its deadline.
      const response = await fetch(`${baseUrl}/api/facilities`, { signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`${baseUrl} did not come up${gone() ? " (the server exited)" : ` within ${timeoutMs} ms`}`);
}
