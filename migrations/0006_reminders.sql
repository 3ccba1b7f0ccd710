-- Reminder jobs (docs/NOTIFICATIONS.md "Reminder jobs"): the core's plan for
-- each booking's reminders, projected from its `reminders` effects by the
-- outbox drain (glue/projection.js), and moved on by the notifier
-- (edge/notifier.js) once the reminder was sent or failed for good. Read by
-- GET /api/bookings/{reservationId}/reminders.
--   scheduled --(the reminder's notice sent)--> sent
--             --(its notice failed for good)---> failed
--             --(the plan dropped it)---------> cancelled
CREATE TABLE reminder_jobs (
  job_id TEXT PRIMARY KEY, -- {reservationId}-reminder-{n}, the reminder notice's noticeId
  facility_id TEXT NOT NULL,
  reservation_id TEXT NOT NULL,
  scheduled_for TEXT NOT NULL, -- RFC 3339, UTC
  state TEXT NOT NULL CHECK (state IN ('scheduled', 'sent', 'cancelled', 'failed')),
  updated_at TEXT NOT NULL -- RFC 3339, UTC
);

CREATE INDEX reminder_jobs_by_reservation ON reminder_jobs (reservation_id, scheduled_for);
