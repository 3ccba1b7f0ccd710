-- The facility directory: one row per configured facility, written by its
-- Durable Object after each configure, read by GET /api/facilities.
CREATE TABLE facilities (
  facility_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  updated_at TEXT NOT NULL -- RFC 3339, UTC
);
