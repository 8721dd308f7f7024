-- Each resource's sort keys, per search parameter [ascending key, descending key], written with the resource
-- (store/writes.ts), so _sort reads one column of a row it already has instead of a subquery per matching row.
-- Rows written before this migration have NULL and are sorted by the subquery, as before.
ALTER TABLE resource ADD COLUMN IF NOT EXISTS sort_keys jsonb;
