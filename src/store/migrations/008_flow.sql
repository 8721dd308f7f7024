-- Patient flow (issue 5): receipt numbers for payments taken at the desk, one sequence per practice.
-- The row is locked by the check-in or check-out transaction that takes a number, so numbers are unique
-- and a rolled-back payment gives its number back.
CREATE TABLE flow_receipt_counter (
  practice_id text PRIMARY KEY REFERENCES practice (id),
  last_number integer NOT NULL
);
