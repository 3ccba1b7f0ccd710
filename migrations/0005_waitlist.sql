-- The waitlist's projection: every waitlist entry's latest state, written
-- by the facilities' outbox drains from the core's `waitlist` effects
-- (glue/projection.js) and read by staff (GET /api/facilities/{id}/waitlist).
-- (log_seq, idx) orders the writes, so a batch applied twice or late
-- changes nothing. Times are RFC 3339 UTC text as the core writes them;
-- *_ms columns hold the same instants for comparisons and ordering.
CREATE TABLE waitlist_entries (
  waitlist_id TEXT PRIMARY KEY, -- {facilityId}_{random}
  facility_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  court_id TEXT, -- null: any court
  earliest_start TEXT NOT NULL,
  latest_end TEXT NOT NULL,
  preferred_start TEXT, -- null: the earliest start
  earliest_start_ms INTEGER NOT NULL,
  latest_end_ms INTEGER NOT NULL,
  duration_minutes INTEGER NOT NULL,
  party_size INTEGER NOT NULL,
  mode TEXT NOT NULL, -- auto_book | offer
  state TEXT NOT NULL, -- waiting | offered | booked | left | expired
  reservation_id TEXT, -- the latest reservation made for it (an offer's hold or a booking)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  log_seq INTEGER NOT NULL,
  idx INTEGER NOT NULL
);
CREATE INDEX waitlist_entries_by_facility ON waitlist_entries (facility_id, latest_end_ms);
CREATE INDEX waitlist_entries_by_member ON waitlist_entries (member_id, latest_end_ms);
