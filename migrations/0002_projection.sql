-- The cross-facility projection, written only by the facilities' outbox
-- drains (glue/projection.js) with idempotent writes keyed by facility and
-- log seq, and read by the Worker (glue/directory.js) and by a facility
-- rebuild (POST /api/realtime/sync). Times are RFC 3339 UTC text as the
-- core writes them; *_ms columns hold the same instants for comparisons.

-- A facility's settings: the core's facility effect (the shape `configure`
-- takes), and the log seq of the command that produced them.
ALTER TABLE facilities ADD COLUMN settings TEXT;
ALTER TABLE facilities ADD COLUMN log_seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE courts (
  facility_id TEXT NOT NULL,
  court_id TEXT NOT NULL,
  name TEXT NOT NULL,
  capacity INTEGER NOT NULL,
  position INTEGER NOT NULL, -- the court's place in the facility's list
  PRIMARY KEY (facility_id, court_id)
);

-- A member's record at one facility; (log_seq, idx) orders the writes.
CREATE TABLE members (
  facility_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  tier TEXT,
  late_cancellations INTEGER NOT NULL,
  log_seq INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  PRIMARY KEY (facility_id, member_id)
);

-- Every reservation's latest state; `version` orders the writes.
CREATE TABLE reservations (
  reservation_id TEXT PRIMARY KEY,
  facility_id TEXT NOT NULL,
  court_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  party_size INTEGER NOT NULL,
  status TEXT NOT NULL, -- held | confirmed | cancelled | released | expired | completed
  version INTEGER NOT NULL,
  hold_expiry TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX reservations_by_member ON reservations (member_id, end_ms);
CREATE INDEX reservations_by_facility ON reservations (facility_id, status, end_ms);

-- Who did what to which reservation, when, from what to what: one row per
-- reservation change, keyed by the change's place in its facility's log.
CREATE TABLE audit_log (
  facility_id TEXT NOT NULL,
  log_seq INTEGER NOT NULL,
  idx INTEGER NOT NULL, -- the effect's index within the command
  reservation_id TEXT NOT NULL,
  action TEXT NOT NULL, -- attempt, confirm, release, cancel, expire, book, reschedule, import, waitlist_*
  actor_member_id TEXT, -- null: the host or the clock
  actor_role TEXT,
  at TEXT NOT NULL, -- the reservation's updatedAt
  from_status TEXT, -- null for a new reservation
  from_court_id TEXT, -- the previous place, for a reschedule
  from_start_time TEXT,
  from_end_time TEXT,
  to_status TEXT NOT NULL,
  court_id TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  PRIMARY KEY (facility_id, log_seq, idx)
);

-- Notifications sent to members; filled by the reminders issue.
CREATE TABLE notification_log (
  id TEXT PRIMARY KEY,
  notification_type TEXT NOT NULL,
  reservation_id TEXT,
  waitlist_id TEXT,
  member_id TEXT,
  facility_id TEXT,
  sent_at TEXT,
  minutes_before INTEGER,
  channel TEXT,
  data TEXT
);
