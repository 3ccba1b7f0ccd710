// worker.js: the Worker entry. Routes the public API (see README.md) either
// to the D1 facility directory or to the facility's Durable Object, which
// runs the booking core. The Worker checks only what it needs to route a
// request (the path, the method, the facility id, the body's size and media
// type); every other judgement belongs to the core.
import { listFacilities } from "../glue/directory.js";
import { facilityOf, isFacilityId } from "../glue/ids.js";
import { requireAdmin } from "./auth.js";
import { FacilityObject } from "./facility.js";
import { HttpError, jsonResponse, readBody } from "./http.js";

export { FacilityObject };

const decoder = new TextDecoder();

// [path pattern, {METHOD: handler(request, env, pathArgument, url)}]
const ROUTES = [
  [/^\/api\/facilities$/, { GET: showDirectory }],
  [/^\/api\/facilities\/([^/]+)$/, { GET: showFacility, PUT: configureFacility }],
  [/^\/api\/realtime\/(attempt|confirm|release|cancel)$/, { POST: runBodyCommand }],
  [/^\/api\/realtime\/availability$/, { GET: showAvailability }],
  [/^\/api\/reservations\/([^/]+)$/, { GET: showReservation, DELETE: cancelReservation }],
];
const DEVELOPMENT_ROUTES = [[/^\/api\/debug\/trap$/, { POST: trapFacility }]];

export default {
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch (error) {
      if (error instanceof HttpError) return error.response();
      console.error("unexpected error", error);
      return new HttpError(500, "internal", "an unexpected error occurred").response();
    }
  },
};

function route(request, env) {
  const url = new URL(request.url);
  const routes = env.ENVIRONMENT === "development" ? [...ROUTES, ...DEVELOPMENT_ROUTES] : ROUTES;
  for (const [pattern, handlers] of routes) {
    const match = pattern.exec(url.pathname);
    if (match === null) continue;
    const handler = handlers[request.method];
    if (handler === undefined) {
      const allow = Object.keys(handlers).join(", ");
      throw new HttpError(405, "method_not_allowed", `${request.method} is not allowed here (allowed: ${allow})`, {
        headers: { Allow: allow },
      });
    }
    return handler(request, env, match[1], url);
  }
  throw new HttpError(404, "not_found", "no such endpoint");
}

async function showDirectory(request, env) {
  return jsonResponse(200, await listFacilities(env.DB));
}

async function showFacility(request, env, facilityId) {
  return respond(await execute(env, "facility", { facilityId: checkFacilityId(facilityId) }));
}

async function configureFacility(request, env, facilityId) {
  requireAdmin(request, env);
  const params = { facilityId: checkFacilityId(facilityId) };
  return respond(await execute(env, "configure", params, await readBody(request)));
}

// attempt, confirm, release, cancel: the facility id is in the body.
async function runBodyCommand(request, env, op) {
  const body = await readBody(request);
  return respond(await execute(env, op, { facilityId: facilityIdOf(body) }, body));
}

async function showAvailability(request, env, _, url) {
  const params = { facilityId: checkFacilityId(url.searchParams.get("facilityId")) };
  const date = url.searchParams.get("date");
  if (date !== null) params.date = date;
  const knownSeq = seqOfETag(request.headers.get("If-None-Match"));
  if (knownSeq !== null) params.knownSeq = knownSeq;
  const result = await execute(env, "availability", params);
  const fresh = result.status === 200 || result.status === 304;
  return respond(result, fresh ? { ETag: `"${result.seq}"` } : {});
}

async function showReservation(request, env, reservationId) {
  return respond(await execute(env, "get", reservationParams(reservationId)));
}

async function cancelReservation(request, env, reservationId) {
  const params = reservationParams(reservationId);
  return respond(await execute(env, "cancel", params, await readBody(request)));
}

// Development only: makes the facility's core trap, to show it recovers.
async function trapFacility(request, env, _, url) {
  return respond(await execute(env, "debug_trap", { facilityId: checkFacilityId(url.searchParams.get("facilityId")) }));
}

// Runs `op` in the facility's Durable Object; `params` always carry the
// facility id. Returns {status, reply, seq}.
function execute(env, op, params, body) {
  const facility = env.FACILITY.get(env.FACILITY.idFromName(params.facilityId));
  return facility.execute(op, params, body);
}

function respond({ status, reply }, headers = {}) {
  return status === 304 ? new Response(null, { status, headers }) : jsonResponse(status, reply, headers);
}

function checkFacilityId(value) {
  if (isFacilityId(value)) return value;
  throw new HttpError(400, "invalid_field", "facilityId must be 1-40 characters of A-Z, a-z, 0-9 and -", {
    field: "facilityId",
  });
}

// The facility id named in a JSON body, needed to route it.
function facilityIdOf(body) {
  let value;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch {
    throw new HttpError(400, "invalid_json", "request body is not valid JSON");
  }
  return checkFacilityId(value?.facilityId);
}

function reservationParams(reservationId) {
  const facilityId = facilityOf(reservationId);
  if (facilityId === null) throw new HttpError(404, "not_found", "no such reservation");
  return { facilityId, reservationId };
}

// The sequence number in an If-None-Match header: "N", W/"N" or N.
function seqOfETag(header) {
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header ?? "");
  return match === null ? null : Number(match[1]);
}
