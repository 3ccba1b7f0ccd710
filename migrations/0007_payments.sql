-- A reservation's payment, as the core describes it (docs/PAYMENTS.md):
-- {status, amount, currency, payBy?, paymentId?} as JSON, or NULL for a
-- booking with nothing to pay. Kept so staff see it and a rebuild from the
-- projection brings bookings back with their payments.
ALTER TABLE reservations ADD COLUMN payment TEXT;
