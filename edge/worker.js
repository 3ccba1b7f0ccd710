// worker.js: the Worker entry. Routes the public API (README.md,
// docs/REALTIME.md) to its handlers: the facility's Durable Object for
// everything a facility decides (edge/booking.js, edge/waitlist.js), the
// D1 projection for cross-facility reads (edge/queries.js), KV sessions
// for tokens (edge/account.js), Stripe for payments (edge/payments.js).
// The Worker checks only what it needs to route a request and who is
// calling; every booking judgement belongs to the core.
import { logout, mintDevToken, mintToken } from "./account.js";
import {
  addBlock, bookReservation, cancelReservation, checkinReservation, configureFacility, connect, facilityState, removeBlock,
  refundReservation, rescheduleReservation, runBodyCommand, setMember, showAvailability, showFacility, showMember, showPrice,
  setDebugClock, showReservation, snapshotFacility, syncFacility, trapFacility,
} from "./booking.js";
import { reservationCalendar } from "./calendar.js";
import { FacilityObject } from "./facility.js";
import { showContact, updateContact } from "./contact.js";
import { HttpError } from "./http.js";
import { debugNotices, debugNotify, queueStats } from "./notifications.js";
import { consumeNotifications } from "./notifier.js";
import { PAGE_FILES, facilityPage, pageFile } from "./page.js";
import { startCheckout, stripeWebhook } from "./payments.js";
import { bookingReminders, myReservations, projectedReservations, projectedWaitlist, showAudit, showDirectory } from "./queries.js";
import { sweepNotifications } from "./sweep.js";
import { answerOffer, joinWaitlist, leaveWaitlist, listWaitlist, waitlistMetrics } from "./waitlist.js";

export { FacilityObject };

// [path pattern, {METHOD: handler(request, env, url, ...path groups)}]
const ROUTES = [
  [/^\/api\/facilities$/, { GET: showDirectory }],
  [/^\/api\/facilities\/([^/]+)$/, { GET: showFacility, PUT: configureFacility }],
  [/^\/api\/facilities\/([^/]+)\/members\/([^/]+)$/, { GET: showMember, PUT: setMember }],
  [/^\/api\/facilities\/([^/]+)\/blocks$/, { POST: addBlock }],
  [/^\/api\/facilities\/([^/]+)\/blocks\/([^/]+)$/, { DELETE: removeBlock }],
  [/^\/api\/facilities\/([^/]+)\/reservations$/, { GET: projectedReservations }],
  [/^\/api\/facilities\/([^/]+)\/audit$/, { GET: showAudit }],
  [/^\/api\/facilities\/([^/]+)\/waitlist$/, { GET: projectedWaitlist }],
  [/^\/api\/facilities\/([^/]+)\/waitlist\/metrics$/, { GET: waitlistMetrics }],
  [/^\/api\/facilities\/([^/]+)\/state$/, { GET: facilityState }],
  [/^\/api\/facilities\/([^/]+)\/snapshot$/, { POST: snapshotFacility }],
  [/^\/api\/realtime\/(attempt|confirm|release|cancel)$/, { POST: runBodyCommand }],
  [/^\/api\/realtime\/availability$/, { GET: showAvailability }],
  [/^\/api\/realtime\/price$/, { GET: showPrice }],
  [/^\/api\/realtime\/websocket$/, { GET: connect }],
  [/^\/api\/realtime\/sync$/, { POST: syncFacility }],
  [/^\/api\/reservations$/, { POST: bookReservation }],
  [/^\/api\/reservations\/([^/]+)$/, { GET: showReservation, DELETE: cancelReservation, PATCH: rescheduleReservation }],
  [/^\/api\/reservations\/([^/]+)\/checkin$/, { POST: checkinReservation }],
  [/^\/api\/reservations\/([^/]+)\/refund$/, { POST: refundReservation }],
  [/^\/api\/stripe\/checkout$/, { POST: startCheckout }],
  [/^\/api\/stripe\/webhook$/, { POST: stripeWebhook }],
  [/^\/api\/reservations\/([^/]+)\/calendar\.ics$/, { GET: reservationCalendar }],
  [/^\/api\/bookings\/([^/]+)\/reminders$/, { GET: bookingReminders }],
  [/^\/api\/waitlist$/, { GET: listWaitlist, POST: joinWaitlist }],
  [/^\/api\/waitlist\/(accept|decline)$/, { POST: answerOffer }],
  [/^\/api\/waitlist\/([^/]+)$/, { DELETE: leaveWaitlist }],
  [/^\/api\/members\/me\/reservations$/, { GET: myReservations }],
  [/^\/api\/members\/me\/contact$/, { GET: showContact, PUT: updateContact }],
  [/^\/api\/queue\/stats$/, { GET: queueStats }],
  [/^\/api\/auth\/token$/, { POST: mintToken }],
  [/^\/api\/auth\/logout$/, { POST: logout }],
  [/^\/f\/([^/]+)$/, { GET: facilityPage }],
  [PAGE_FILES, { GET: pageFile }],
];
const DEVELOPMENT_ROUTES = [
  [/^\/api\/dev\/token$/, { POST: mintDevToken }],
  [/^\/api\/debug\/trap$/, { POST: trapFacility }],
  [/^\/api\/debug\/notify$/, { GET: debugNotices, POST: debugNotify }],
  [/^\/api\/debug\/clock$/, { POST: setDebugClock }], // DEVELOPMENT ONLY: the core's clock offset
];

const ROUTES_IN_DEVELOPMENT = [...ROUTES, ...DEVELOPMENT_ROUTES]; // built once, not per request

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
  // NOTIFICATION_QUEUE's consumer and the 15-minute cron (docs/NOTIFICATIONS.md).
  queue: (batch, env) => consumeNotifications(batch, env),
  scheduled: (controller, env) => sweepNotifications(controller, env),
};

function route(request, env) {
  const url = new URL(request.url);
  const path = url.pathname; // read once: each read of a URL's field makes a new string in the runtime
  const routes = env.ENVIRONMENT === "development" ? ROUTES_IN_DEVELOPMENT : ROUTES;
  for (const [pattern, handlers] of routes) {
    const match = pattern.exec(path);
    if (match === null) continue;
    const handler = handlers[request.method];
    if (handler === undefined) {
      const allow = Object.keys(handlers).join(", ");
      throw new HttpError(405, "method_not_allowed", `${request.method} is not allowed here (allowed: ${allow})`, {
        headers: { Allow: allow },
      });
    }
    return handler(request, env, url, ...match.slice(1));
  }
  throw new HttpError(404, "not_found", "no such endpoint");
}
