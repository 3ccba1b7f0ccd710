// http.js: the Worker's side of HTTP: JSON responses, errors in the API's
// shape ({"success": false, "error", "message"}), the request limits
// checked before a body reaches a facility (media type and size), and the
// parsing of the few bodies the edge reads itself (tokens, sync).

const BODY_MAX = 65536; // bytes; docs/LIMITS.md

// An error answered as it is; thrown anywhere below the router.
export class HttpError extends Error {
  constructor(status, code, message, { field, headers } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.headers = headers;
  }

  response() {
    const body = { success: false, error: this.code, message: this.message };
    if (this.field !== undefined) body.field = this.field;
    return jsonResponse(this.status, body, this.headers);
  }
}

export function jsonResponse(status, value, headers = {}) {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  });
}

// The request body as bytes (empty when there is none), after checking its
// media type and its size: the declared length first, then the bytes
// actually read, so an oversized body is never buffered whole. A body
// with a declared length within the limit is read in one call (the
// runtime ends the body at the declared length); one without is read
// chunk by chunk. Past the limit the rest is read and dropped rather than
// cancelled: cancelling an upload midway breaks the connection under
// wrangler dev instead of answering 413.
export async function readBody(request) {
  const type = request.headers.get("Content-Type");
  if (type !== null && type.split(";")[0].trim().toLowerCase() !== "application/json") {
    throw new HttpError(415, "unsupported_media_type", "the request body must be application/json");
  }
  const declared = request.headers.get("Content-Length");
  if (Number(declared) > BODY_MAX) throw tooLarge();
  if (request.body === null) return new Uint8Array(0);
  if (declared !== null && /^\d+$/.test(declared)) {
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.byteLength > BODY_MAX) throw tooLarge();
    return body;
  }
  const chunks = [];
  let length = 0;
  for await (const chunk of request.body) {
    length += chunk.byteLength;
    if (length <= BODY_MAX) chunks.push(chunk);
  }
  if (length > BODY_MAX) throw tooLarge();
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

// A body the edge reads itself, as a JSON object whose fields are all in
// `known`; 400 otherwise.
export async function readJsonObject(request, known) {
  let value;
  try {
    value = JSON.parse(decoder.decode(await readBody(request)));
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, "invalid_json", "request body is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(400, "invalid_json", "request body must be a JSON object");
  }
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) throw invalidField(unknown, "is not a known field");
  return value;
}

export function invalidField(field, problem) {
  return new HttpError(400, "invalid_field", `${field}: ${problem}`, { field });
}

function tooLarge() {
  return new HttpError(413, "payload_too_large", `the request body is larger than ${BODY_MAX} bytes`);
}
