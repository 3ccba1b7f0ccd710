// base.mjs: what the fake third-party servers share: a node:http server on
// 127.0.0.1 (a free port), the whole request body read as text, every
// request recorded, format problems collected (a test asserts there are
// none), and replies scripted per recipient so a test can make the next
// requests for one address fail (429, 500, 400 with an error code...)
// without touching the others.
import { createServer } from "node:http";

export class FakeServer {
  requests = []; // every request that passed the format checks, in order
  problems = []; // requests the real API would have refused for their format
  #scripts = new Map(); // recipient → replies still to give
  #server;

  // Starts listening; `handle(request, text)` → {status, headers?, body?}.
  async listen(handle) {
    this.#server = createServer(async (request, response) => {
      let text = "";
      for await (const chunk of request) text += chunk;
      const reply = await handle(request, text);
      const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
      const type = reply.body === undefined ? {} : { "Content-Type": "application/json" };
      response.writeHead(reply.status, { ...type, ...reply.headers });
      response.end(body);
    });
    await new Promise((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${this.#server.address().port}`;
    return this;
  }

  close() {
    return new Promise((resolve) => this.#server.close(resolve));
  }

  // The next `replies` ({status, code?, message?}) for `recipient`, one
  // per request, before the normal success again.
  script(recipient, replies) {
    this.#scripts.set(recipient, [...(this.#scripts.get(recipient) ?? []), ...replies]);
  }

  // The scripted reply for `recipient`, or undefined for the normal one.
  scripted(recipient) {
    return this.#scripts.get(recipient)?.shift();
  }

  // A format problem: recorded, and answered as the real API would (400).
  refuse(problem, reply) {
    this.problems.push(problem);
    return reply;
  }

  sentTo(recipient) {
    return this.requests.filter((request) => request.to === recipient);
  }
}
