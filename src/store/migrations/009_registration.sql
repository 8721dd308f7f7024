-- Registration (issue 5, docs/decisions/0014-registration-and-merge.md).
-- The last medical record number handed out per practice: one row, updated under its row lock, so two
-- desks registering at the same moment never get the same number.
CREATE TABLE mrn_counter (
  practice_id text PRIMARY KEY REFERENCES practice (id),
  last_number bigint NOT NULL
);

-- One row per patient merge: which chart was merged into which, by whom and why, and every re-pointed
-- resource with its versions and the paths changed, so the merge can be undone for 30 days.
CREATE TABLE patient_merge (
  practice_id text NOT NULL REFERENCES practice (id),
  id text NOT NULL,
  source_id text NOT NULL,
  target_id text NOT NULL,
  reason text NOT NULL,
  merged_at timestamptz NOT NULL,
  merged_by text NOT NULL,
  undone_at timestamptz,
  undone_by text,
  items jsonb NOT NULL,
  PRIMARY KEY (practice_id, id)
);
CREATE INDEX patient_merge_source ON patient_merge (practice_id, source_id);
