-- medassist schema v1. The same SQL runs on PGlite and on PostgreSQL.
-- Every row carries practice_id (the tenant): it is the distribution key if a clinic group outgrows one machine.

CREATE TABLE practice (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The current version of every resource (deleted ones keep a tombstone so a read answers 410).
CREATE TABLE resource (
  practice_id text NOT NULL REFERENCES practice (id),
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  content jsonb,
  PRIMARY KEY (practice_id, resource_type, id)
);
CREATE INDEX resource_last_updated ON resource (practice_id, resource_type, last_updated);

-- Every version ever written, the current one included (vread, _history).
CREATE TABLE resource_version (
  practice_id text NOT NULL,
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  method text NOT NULL,
  content jsonb,
  PRIMARY KEY (practice_id, resource_type, id, version_id)
);
CREATE INDEX resource_version_time ON resource_version (practice_id, resource_type, last_updated);

-- One row per indexed value of a search parameter of a current resource (see docs/decisions/0003).
--   string:    value = normalized (lower case, no accents), display = as written (for :exact)
--   token:     system, value = code, display = normalized text/display (for :text)
--   reference: value = "Type/id" or absolute URL, system = target type, display = id alone
--   date:      lo (inclusive) .. hi (exclusive), in UTC
--   number:    num;  quantity: num, system, value = unit code
--   uri:       value
CREATE TABLE search_index (
  practice_id text NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  param text NOT NULL,
  system text COLLATE "C",
  value text COLLATE "C",
  display text COLLATE "C",
  lo timestamptz,
  hi timestamptz,
  num numeric
);
CREATE INDEX search_index_resource ON search_index (practice_id, resource_type, resource_id);
CREATE INDEX search_index_value ON search_index (practice_id, resource_type, param, value, system);
CREATE INDEX search_index_display ON search_index (practice_id, resource_type, param, display);
CREATE INDEX search_index_date ON search_index (practice_id, resource_type, param, lo, hi);
CREATE INDEX search_index_num ON search_index (practice_id, resource_type, param, num);
