-- What a rebuild from the projection needs beyond settings and bookings:
-- the facility's blocked periods (the facility effect's `blocks`) and
-- members' no-shows (the member effect's `noShows`).
ALTER TABLE facilities ADD COLUMN blocks TEXT NOT NULL DEFAULT '[]';
ALTER TABLE members ADD COLUMN no_shows INTEGER NOT NULL DEFAULT 0;
