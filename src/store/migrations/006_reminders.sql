-- Appointment reminders (issue 5): a practice's reminder settings and the outbox. Every row belongs to a
-- practice. The outbox holds ids only: the recipient and the text are worked out when the message is sent,
-- from the Appointment and Patient as they are then (docs/decisions/0015-reminders.md).

CREATE TABLE reminder_setting (
  practice_id text PRIMARY KEY REFERENCES practice (id),
  settings jsonb NOT NULL,
  -- SHA-256 (hex) of the shared secret the SMS gateway and the mail relay send with replies; it also says
  -- which practice a reply belongs to.
  reply_secret_hash text UNIQUE,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);

CREATE TABLE reminder_outbox (
  practice_id text NOT NULL REFERENCES practice (id),
  -- Also the idempotency key of the message: the SMS transport's `id`, the email's Message-ID.
  id text NOT NULL,
  appointment_id text NOT NULL,
  -- The start the reminder announces: a moved appointment gets new reminders and the old ones go stale.
  appointment_start timestamptz NOT NULL,
  offset_hours integer NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  -- pending -> sending (claimed) -> sent; or back to pending (retry), failed (gave up), skipped (stale)
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  -- While `sending`: when the claim lapses (the sender died) and the row may be taken again.
  claimed_until timestamptz,
  -- A transport's status or error code, never a message text or an address.
  last_error text,
  sent_at timestamptz,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (practice_id, id),
  -- The same reminder is never enqueued twice.
  UNIQUE (practice_id, appointment_id, appointment_start, offset_hours, channel)
);
CREATE INDEX reminder_outbox_due ON reminder_outbox (status, next_attempt_at);
CREATE INDEX reminder_outbox_appointment ON reminder_outbox (practice_id, appointment_id);
