-- Accounts, sessions, API clients and the audit trail (issue 4). Every row belongs to a practice.

CREATE TABLE app_user (
  practice_id text NOT NULL REFERENCES practice (id),
  id text NOT NULL,
  -- Lower case, unique across the installation: sign-in takes a username alone.
  username text NOT NULL,
  display_name text NOT NULL,
  roles text[] NOT NULL,
  -- Extra permissions beyond the roles: emergency-access, privacy-officer.
  permissions text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'active',
  -- pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>
  password_hash text,
  password_changed_at timestamptz,
  mfa_required boolean NOT NULL DEFAULT false,
  -- base32 TOTP secret; mfa_enrolled_at is set once the user proved a code from it.
  mfa_secret text,
  mfa_enrolled_at timestamptz,
  -- The last TOTP time step accepted: a code is good once (RFC 6238 section 5.2).
  mfa_last_step bigint,
  -- SHA-256 of each unused recovery code.
  recovery_codes text[] NOT NULL DEFAULT '{}',
  failed_sign_ins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  -- The Practitioner this account is, when it is one (providers, MAs).
  practitioner_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, id)
);
CREATE UNIQUE INDEX app_user_username ON app_user (username);

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is stored here.
CREATE TABLE user_session (
  id text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  practice_id text NOT NULL,
  user_id text NOT NULL,
  csrf_token text NOT NULL,
  -- 'mfa' while the password is proven and the second factor is not; 'enrol' while MFA must be set up.
  stage text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  ended_at timestamptz,
  end_reason text,
  address text,
  user_agent text
);
CREATE INDEX user_session_user ON user_session (practice_id, user_id, created_at);

CREATE TABLE api_client (
  practice_id text NOT NULL REFERENCES practice (id),
  id text NOT NULL,
  name text NOT NULL,
  secret_hash text NOT NULL,
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  PRIMARY KEY (id)
);

-- Installation secrets shared by every process on the database (the access-token signing key).
CREATE TABLE server_secret (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Break-glass grants (ONC (d)(6)): a user may see one restricted chart until expires_at.
CREATE TABLE emergency_access (
  practice_id text NOT NULL,
  id text NOT NULL,
  user_id text NOT NULL,
  patient_id text NOT NULL,
  reason text NOT NULL,
  granted_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (practice_id, id)
);
CREATE INDEX emergency_access_user ON emergency_access (practice_id, user_id, expires_at);

-- What the practice records (ONC (d)(2)); absent row = the defaults (everything on).
CREATE TABLE audit_setting (
  practice_id text PRIMARY KEY,
  settings jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL
);

-- The audit trail: one FHIR AuditEvent per row, append-only, hash-chained per practice.
-- seq, prev_hash and hash are set by the trigger below, under a per-practice lock, so every process and
-- every engine chains the same way; `medassist audit verify` recomputes the chain.
CREATE TABLE audit_event (
  practice_id text NOT NULL,
  seq bigint NOT NULL,
  recorded timestamptz NOT NULL,
  action text NOT NULL,
  subtype text NOT NULL,
  outcome text NOT NULL,
  user_id text,
  user_name text,
  patient_ids text[] NOT NULL DEFAULT '{}',
  category text,
  entity text,
  event jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (practice_id, seq)
);
CREATE INDEX audit_event_recorded ON audit_event (practice_id, recorded);
CREATE INDEX audit_event_user ON audit_event (practice_id, user_id, recorded);
CREATE INDEX audit_event_patient ON audit_event USING gin (patient_ids);

-- The text a row's hash covers. verify (src/auth/audit/verify.ts) uses the same function.
CREATE FUNCTION audit_event_digest(prev text, e audit_event) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws('|', prev, e.practice_id, e.seq::text,
    to_char(e.recorded AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), e.action, e.subtype, e.outcome,
    coalesce(e.user_id, ''), coalesce(e.user_name, ''), array_to_string(e.patient_ids, ','),
    coalesce(e.category, ''), coalesce(e.entity, ''), e.event::text), 'UTF8')), 'hex')
$$;

CREATE FUNCTION audit_event_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('medassist-audit|' || NEW.practice_id));
  SELECT seq, hash INTO last_seq, last_hash FROM audit_event
    WHERE practice_id = NEW.practice_id ORDER BY seq DESC LIMIT 1;
  NEW.seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, 'genesis');
  NEW.hash := audit_event_digest(NEW.prev_hash, NEW);
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

-- Audit records cannot be changed or removed through the database either (ASTM E2147, ONC (d)(2)).
CREATE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
